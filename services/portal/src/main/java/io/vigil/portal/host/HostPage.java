package io.vigil.portal.host;

import io.vigil.portal.alert.AlertRow;
import io.vigil.portal.api.Baseline;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Flow;
import io.vigil.portal.chart.HourOfWeekChart;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the host page shows.
 *
 * @param baseline     null when detection has no baseline for the host (not internal, or not profiled yet)
 * @param alerts       the host's alerts as a scanning source, newest first
 * @param recentFlows  the flows behind its newest alert (detection serves raw flows per alert)
 */
public record HostPage(Customer customer, String host, Baseline baseline, String baselineError, List<AlertRow> alerts,
                       List<Flow> recentFlows) {

    public record Chart(String label, long p50, long p99, String svg) {
    }

    public List<Chart> charts() {
        if (baseline == null || baseline.metrics() == null) {
            return List.of();
        }
        return baseline.metrics().values().stream()
                .map(m -> new Chart(m.label(), m.p50(), m.p99(), HourOfWeekChart.svg(m))).toList();
    }

    /** The recent flows counted by connection state ("S0" 40, "SF" 3). */
    public Map<String, Integer> flowStates() {
        Map<String, Integer> states = new TreeMap<>();
        recentFlows.forEach(f -> states.merge(f.connState() == null || f.connState().isEmpty() ? "-" : f.connState(), 1, Integer::sum));
        return states;
    }

    public long distinctTargets() {
        return recentFlows.stream().map(Flow::target).distinct().count();
    }

    public List<Flow> recentShown() {
        return recentFlows.subList(0, Math.min(25, recentFlows.size()));
    }
}
