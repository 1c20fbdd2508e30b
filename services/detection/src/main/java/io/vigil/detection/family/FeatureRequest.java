package io.vigil.detection.family;

import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Transfer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read a family asks the engine for, for one tenant, answered with an {@code R}. The engine groups the requests of
 * one kind and parameters across every tenant of a cycle into one query, so adding tenants adds rows, not round trips.
 *
 * @param <R> what the read answers for one tenant
 */
public sealed interface FeatureRequest<R> {

    /** The answer when the read found nothing (or was not made). */
    R none();

    /**
     * The given sources' attempts over the last {@code horizon} of the per-minute roll-up, for those of them with at
     * least {@code minFailedTargets} distinct failed targets there (a necessary condition the family states, so the
     * database leaves out the sources that cannot matter).
     */
    record SourceHistory(Set<String> sources, Duration horizon, int minFailedTargets) implements FeatureRequest<List<Attempt>> {

        /** The part that groups requests of many tenants into one query. */
        public SourceHistory shape() {
            return new SourceHistory(Set.of(), horizon, minFailedTargets);
        }

        @Override
        public List<Attempt> none() {
            return List.of();
        }
    }

    /**
     * Every attempt over the last {@code window} of the per-minute roll-up of the sources that failed on a service
     * (port, protocol) on which at least {@code minSources} distinct sources failed, on at least {@code minTargets}
     * distinct hosts: the candidates of a scan split between many sources.
     */
    record SharedFailures(Duration window, int minSources, int minTargets) implements FeatureRequest<List<Attempt>> {

        @Override
        public List<Attempt> none() {
            return List.of();
        }
    }

    /**
     * The given sources' TCP sessions with the given ports over the last {@code horizon} of the per-minute roll-up, one
     * {@link Session} per (source, host, port, minute).
     */
    record SessionHistory(Set<String> sources, Set<Integer> ports, Duration horizon) implements FeatureRequest<List<Session>> {

        /** The part that groups requests of many tenants into one query. */
        public SessionHistory shape() {
            return new SessionHistory(Set.of(), ports, horizon);
        }

        @Override
        public List<Session> none() {
            return List.of();
        }
    }

    /**
     * The given sources' transfers (as initiators) over the last {@code horizon} of the per-minute roll-up, one
     * {@link Transfer} per (source, host, port, protocol) and part: the last {@code recent} ({@link Transfer#recent()}),
     * and the rest of the horizon before it. Only of the sources that sent at least {@code minBytesOut} over the horizon,
     * to anyone: a family that judges nothing below a volume names it, and the others' rows are never read out.
     */
    record TransferHistory(Set<String> sources, Duration horizon, Duration recent, long minBytesOut)
            implements FeatureRequest<List<Transfer>> {

        /** The part that groups requests of many tenants into one query. */
        public TransferHistory shape() {
            return new TransferHistory(Set.of(), horizon, recent, minBytesOut);
        }

        @Override
        public List<Transfer> none() {
            return List.of();
        }
    }

    /** What the edge store remembers of the given internal sources' admin logins, and since when it learns. */
    record KnownEdges(Set<String> sources) implements FeatureRequest<KnownEdges.Answer> {

        /**
         * @param learningSince when the tenant's learning began: the later of its first remembered admin edge and its
         *                      first profiled host (so that neither a new store nor a new customer alerts at once);
         *                      null while either is missing
         * @param edges         every edge of the asked sources
         */
        public record Answer(Instant learningSince, List<AdminEdge> edges) {
        }

        @Override
        public Answer none() {
            return new Answer(null, List.of());
        }
    }

    /**
     * How many of the tenant's internal hosts initiated anything to each of the given external addresses over the last
     * {@code horizon} of the per-minute roll-up, and since when, against how many internal hosts initiated anything at
     * all there: the addresses' prevalence, which {@link Rarity} judges.
     */
    record DestinationPrevalence(Set<String> destinations, Duration horizon) implements FeatureRequest<DestinationPrevalence.Answer> {

        /** The part that groups requests of many tenants into one query. */
        public DestinationPrevalence shape() {
            return new DestinationPrevalence(Set.of(), horizon);
        }

        /**
         * @param hosts   internal hosts that initiated to the address within the horizon
         * @param firstMs the first such minute, epoch ms
         */
        public record Seen(int hosts, long firstMs) {
        }

        /**
         * @param activeHosts  internal hosts that initiated anything within the horizon
         * @param destinations what was seen of each asked address; an address nobody reached is absent
         */
        public record Answer(int activeHosts, Map<String, Seen> destinations) {
        }

        @Override
        public Answer none() {
            return new Answer(0, Map.of());
        }
    }
}
