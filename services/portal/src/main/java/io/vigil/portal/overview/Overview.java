package io.vigil.portal.overview;

import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Summary;
import io.vigil.portal.web.Fanout.Each;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the MSP overview shows: unresolved alerts by customer, severity and family (then type); customers still learning
 * their baseline; and the customers whose figures could not be read. Sensors offline come in their own request
 * ({@link io.vigil.portal.sensor.OfflineSensorsResource}), so these figures do not wait for them.
 */
public record Overview(int customers, long open, long acknowledged, Map<String, Long> bySeverity,
                       Map<String, Long> byFamily, Map<String, Long> byType, List<AlertRow> alerting,
                       List<LearningRow> learning, List<String> failures) {

    static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW");
    /** Rows per table; the rest are counted. */
    public static final int ROWS = 500;

    public record AlertRow(Customer customer, Summary summary) {
        public long count(String severity) {
            return summary.bySeverity(severity);
        }

        public List<FamilyCount> families() {
            return FamilyCount.of(summary.openByFamily(), summary.openByType());
        }
    }

    public record LearningRow(Customer customer, long learning, long mature) {
    }

    static Overview of(List<Customer> customers, List<Each<Summary>> summaries) {
        long open = 0;
        long acknowledged = 0;
        Map<String, Long> bySeverity = new TreeMap<>(Comparator.comparing(SEVERITIES::indexOf));
        Map<String, Long> byFamily = new TreeMap<>();
        Map<String, Long> byType = new TreeMap<>();
        List<AlertRow> alerting = new ArrayList<>();
        List<LearningRow> learning = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Each<Summary> e : summaries) {
            if (e.value() == null) {
                failures.add(e.customer().name() + ": " + e.error());
                continue;
            }
            Summary s = e.value();
            open += s.openAlerts();
            acknowledged += s.acknowledgedAlerts();
            if (s.openBySeverity() != null) {
                s.openBySeverity().forEach((k, v) -> bySeverity.merge(k, v, Long::sum));
            }
            if (s.openByFamily() != null) {
                s.openByFamily().forEach((k, v) -> byFamily.merge(k, v, Long::sum));
            }
            if (s.openByType() != null) {
                s.openByType().forEach((k, v) -> byType.merge(k, v, Long::sum));
            }
            if (s.openAlerts() > 0) {
                alerting.add(new AlertRow(e.customer(), s));
            }
            if (s.hosts("LEARNING") > 0) {
                learning.add(new LearningRow(e.customer(), s.hosts("LEARNING"), s.hosts("MATURE")));
            }
        }
        Comparator<AlertRow> worstFirst = Comparator.comparing((AlertRow r) -> r.count("CRITICAL"))
                .thenComparing(r -> r.count("HIGH")).thenComparing(r -> r.count("MEDIUM"))
                .thenComparing(r -> r.summary().openAlerts()).reversed();
        alerting.sort(worstFirst.thenComparing(r -> r.customer().name()));
        learning.sort(Comparator.comparing((LearningRow r) -> r.customer().name()));
        return new Overview(customers.size(), open, acknowledged, bySeverity, byFamily, byType, alerting, learning, failures);
    }

    public List<AlertRow> alertingShown() {
        return alerting.subList(0, Math.min(ROWS, alerting.size()));
    }

    public List<LearningRow> learningShown() {
        return learning.subList(0, Math.min(ROWS, learning.size()));
    }

    /** Every customer's unresolved alerts by family, then type. */
    public List<FamilyCount> families() {
        return FamilyCount.of(byFamily, byType);
    }

    public long severityCount(String severity) {
        return bySeverity.getOrDefault(severity, 0L);
    }

    public List<String> severities() {
        return SEVERITIES;
    }
}
