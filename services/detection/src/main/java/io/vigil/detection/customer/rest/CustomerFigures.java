package io.vigil.detection.customer.rest;

import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertRepository.OpenCount;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One customer's figures, the part of a summary that an MSP-wide overview repeats per customer.
 *
 * @param openAlerts alerts not resolved (OPEN or ACKNOWLEDGED); the per type and severity counts are of these
 * @param open       per (type, severity) with at least one unresolved alert
 * @param baselines  internal hosts per baseline state
 */
public record CustomerFigures(String customerId, String mspId, long openAlerts, long acknowledgedAlerts,
                              Map<ScanType, Long> openByType, Map<Scoring.Severity, Long> openBySeverity, List<Bucket> open,
                              Map<HostBaseline.State, Long> baselines) {

    public record Bucket(ScanType type, Scoring.Severity severity, long count) {
    }

    /** The figures from the customer's own unresolved-alert counts. */
    static CustomerFigures of(String customerId, String mspId, List<OpenCount> counts, Map<HostBaseline.State, Long> baselines) {
        Map<ScanType, Long> byType = new EnumMap<>(ScanType.class);
        Map<Scoring.Severity, Long> bySeverity = new EnumMap<>(Scoring.Severity.class);
        Map<Bucket, Long> buckets = new TreeMap<>(Comparator.comparing(Bucket::type).thenComparing(Bucket::severity));
        long open = 0;
        long acknowledged = 0;
        for (OpenCount c : counts) {
            open += c.count();
            byType.merge(c.type(), c.count(), Long::sum);
            bySeverity.merge(c.severity(), c.count(), Long::sum);
            buckets.merge(new Bucket(c.type(), c.severity(), 0), c.count(), Long::sum);
            acknowledged += c.status() == AlertStatus.ACKNOWLEDGED ? c.count() : 0;
        }
        List<Bucket> list = new ArrayList<>();
        buckets.forEach((k, n) -> list.add(new Bucket(k.type(), k.severity(), n)));
        return new CustomerFigures(customerId, mspId, open, acknowledged, byType, bySeverity, list, baselines);
    }
}
