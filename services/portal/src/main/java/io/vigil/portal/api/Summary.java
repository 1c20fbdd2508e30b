package io.vigil.portal.api;

import java.util.List;
import java.util.Map;

/**
 * A customer at a glance, from detection: unresolved alerts and host baselines by state.
 *
 * @param openAlerts         alerts not resolved (OPEN or ACKNOWLEDGED); the per family, type and severity counts are
 *                           of these
 * @param acknowledgedAlerts those of them acknowledged
 */
public record Summary(String customerId, String mspId, long openAlerts, long acknowledgedAlerts,
                      Map<String, Long> openByFamily, Map<String, Long> openByType, Map<String, Long> openBySeverity,
                      List<Bucket> open, Map<String, Long> baselines, List<String> internalNetworks, String networksFrom) {

    /** Unresolved alerts of one type and severity. */
    public record Bucket(String type, String severity, long count) {
    }

    /** A customer detection knows nothing of yet: no alert, no baseline. */
    public static Summary none(Customer c) {
        return new Summary(c.id(), c.mspId(), 0, 0, Map.of(), Map.of(), Map.of(), List.of(), Map.of(), null, null);
    }

    /** Unresolved and not yet acknowledged: still waiting for someone to look. */
    public long untriaged() {
        return openAlerts - acknowledgedAlerts;
    }

    public long bySeverity(String severity) {
        return openBySeverity == null ? 0 : openBySeverity.getOrDefault(severity, 0L);
    }

    public long hosts(String state) {
        return baselines == null ? 0 : baselines.getOrDefault(state, 0L);
    }
}
