package io.vigil.detection.model;

import java.util.List;

/**
 * What a family decided about one tenant's traffic: one alert's worth of new evidence. The engine gates it (baseline,
 * allow-lists, suppressions) and merges it into the one alert of (customer, type, source).
 *
 * @param type     the alert type, and through it the family
 * @param source   the alert's key within the type: the acting address, or for a distributed scan "23/tcp 10.78.0.0/24"
 * @param sources  the acting addresses, sorted: the source itself, or a distributed scan's members (rules match these)
 * @param targets  distinct hosts acted on, sorted
 * @param services distinct services such as "22/tcp", sorted
 * @param firstMs  first packet of the evidence, epoch ms
 * @param lastMs   last packet of the evidence, epoch ms
 * @param evidence what the family measured, in its own shape
 */
public record Finding(AlertType type, String source, List<String> sources, List<String> targets, List<String> services,
                      long firstMs, long lastMs, Evidence evidence) {

    public AlertFamily family() {
        return type.family();
    }

    /** The same finding with other evidence (what a family's follow-up reads added). */
    public Finding withEvidence(Evidence other) {
        return new Finding(type, source, sources, targets, services, firstMs, lastMs, other);
    }
}
