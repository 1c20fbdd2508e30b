package io.vigil.detection.family;

import io.vigil.detection.alert.Alert;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.Finding;

import java.util.List;
import java.util.Set;

/**
 * A SmartAlert family: a pure detector. The engine reads what the family asks for, for every tenant of a cycle at once,
 * and hands each tenant's features over; the family returns findings and shapes its alerts. A family does no I/O of
 * its own, so it is tested without servers and costs the cycle no round trip of its own.
 *
 * <p>A cycle runs in two stages per tenant: {@link #requests} sees the tenant's new batches and names the further
 * reads it needs (a source's slow horizon, say); the engine batches those reads across tenants into a bounded number
 * of grouped queries; then {@link #detect} sees everything. A family whose findings want more context (how rare their
 * destination is) names it in {@link #followUps}, read the same way for the tenants with findings only, and gets its
 * findings back to {@link #refine}.
 */
public interface Family {

    AlertFamily family();

    /** Whether the family runs ({@code vigil.detection.<family>.enabled}). */
    boolean enabled();

    /**
     * The TCP services whose sessions, not only probes, the family reads from the new batches
     * ({@link TenantWindow#sessions()}); none by default.
     */
    default Set<Integer> sessionPorts() {
        return Set.of();
    }

    /**
     * The bytes a source must send in the new batches for its transfers to be read ({@link TenantWindow#transfers()});
     * none are by default.
     */
    default long transferFloor() {
        return Long.MAX_VALUE;
    }

    /** What to read for this tenant beyond its new batches; empty when the new batches hold nothing of interest. */
    List<FeatureRequest<?>> requests(TenantWindow window);

    /** The tenant's findings of this family, from its new batches and the reads it asked for. Pure. */
    List<Finding> detect(TenantFeatures features);

    /**
     * The admin edges the tenant's new batches show, which the engine remembers with the cycle's commit (so that the
     * next cycle knows them); none by default. Pure.
     */
    default List<AdminEdge> learned(TenantFeatures features) {
        return List.of();
    }

    /** What a family made of one tenant's features: its findings, and the admin edges the engine is to remember. */
    record Judgement(List<Finding> findings, List<AdminEdge> learned) {
    }

    /**
     * {@link #detect} and {@link #learned} at once, as the cycle asks: a family whose two share their work judges the
     * tenant once. Pure.
     */
    default Judgement judge(TenantFeatures features) {
        return new Judgement(detect(features), learned(features));
    }

    /** What to read about this tenant's findings of this family before they are gated; nothing by default. */
    default List<FeatureRequest<?>> followUps(List<Finding> findings) {
        return List.of();
    }

    /** The findings again, with what {@link #followUps} read in {@code features}; unchanged by default. Pure. */
    default List<Finding> refine(List<Finding> findings, TenantFeatures features) {
        return findings;
    }

    /** How a finding of this family is compared with its source's baseline. */
    GatePolicy gate(Finding finding);

    /**
     * Merges a finding's family-specific evidence into its alert, after the engine merged what every alert has (keys,
     * targets, services, sources, first and last seen, direction): counts, techniques, score (severity never falls),
     * summary and evidence.
     */
    void merge(Alert alert, Finding finding);
}
