package io.vigil.detection.customer.rest;

import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertRepository.OpenCount;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One customer's figures, the part of a summary that an MSP-wide overview repeats per customer.
 *
 * @param openAlerts alerts not resolved (OPEN or ACKNOWLEDGED); the per family, type and severity counts are of these
 * @param open       per (type, severity) with at least one unresolved alert
 * @param baselines  internal hosts per baseline state
 */
public record CustomerFigures(String customerId, String mspId, long openAlerts, long acknowledgedAlerts,
                              Map<AlertFamily, Long> openByFamily, Map<AlertType, Long> openByType,
                              Map<Severity, Long> openBySeverity, List<Bucket> open,
                              Map<HostBaseline.State, Long> baselines) {

    public record Bucket(AlertType type, Severity severity, long count) {
    }

    /** The figures from the customer's own unresolved-alert counts. */
    static CustomerFigures of(String customerId, String mspId, List<OpenCount> counts, Map<HostBaseline.State, Long> baselines) {
        Map<AlertFamily, Long> byFamily = new EnumMap<>(AlertFamily.class);
        Map<AlertType, Long> byType = new EnumMap<>(AlertType.class);
        Map<Severity, Long> bySeverity = new EnumMap<>(Severity.class);
        Map<Bucket, Long> buckets = new TreeMap<>(Comparator.comparing(Bucket::type).thenComparing(Bucket::severity));
        long open = 0;
        long acknowledged = 0;
        for (OpenCount c : counts) {
            open += c.count();
            byFamily.merge(c.type().family(), c.count(), Long::sum);
            byType.merge(c.type(), c.count(), Long::sum);
            bySeverity.merge(c.severity(), c.count(), Long::sum);
            buckets.merge(new Bucket(c.type(), c.severity(), 0), c.count(), Long::sum);
            acknowledged += c.status() == AlertStatus.ACKNOWLEDGED ? c.count() : 0;
        }
        List<Bucket> list = new ArrayList<>();
        buckets.forEach((k, n) -> list.add(new Bucket(k.type(), k.severity(), n)));
        return new CustomerFigures(customerId, mspId, open, acknowledged, byFamily, byType, bySeverity, list, baselines);
    }
}
