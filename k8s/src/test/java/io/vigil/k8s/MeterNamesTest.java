package io.vigil.k8s;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeterNamesTest {

    private static final Path REPO = Path.of(System.getProperty("vigil.k8s.dir", ".")).toAbsolutePath().normalize().getParent();

    @Test
    void aQueryNamesItsMetricsButNotItsFunctionsLabelsOrRanges() {
        assertEquals(Set.of("vigil_ingest_flows_rejected_total"),
                MeterNames.metricsIn("sum by (reason) (rate(vigil_ingest_flows_rejected_total{reason!=\"x_y\"}[5m]))"));
        assertEquals(Set.of("vigil_a_seconds_sum", "vigil_a_seconds_count"),
                MeterNames.metricsIn("sum(rate(vigil_a_seconds_sum[5m])) / sum(rate(vigil_a_seconds_count[5m]))"));
        assertEquals(Set.of("vigil_b"), MeterNames.metricsIn("time() - vigil_b"));
    }

    @Test
    void exactLabelMatchersAreReadButNotNegatedOrRegexOnes() {
        assertEquals(Set.of("kind=webhook", "outcome=retried"), MeterNames.exactLabels(
                "sum(rate(vigil_notify_deliveries_total{outcome=\"retried\", kind = \"webhook\", reason!=\"x\", k=~\"a.*\"}[5m]))"));
    }

    @Test
    void exportedNamesFollowThePrometheusRegistrysNamingByMeterType() throws IOException {
        Set<String> exported = MeterNames.exported(REPO);
        assertTrue(exported.contains("vigil_ingest_flows_received_total"), "a counter gets _total");
        assertTrue(exported.contains("vigil_ingest_streams_active"), "a gauge keeps its name");
        assertTrue(exported.contains("vigil_detection_cycle_duration_seconds_count"), "a timer is in seconds");
        assertTrue(exported.contains("http_server_requests_seconds_count"), "Quarkus' HTTP meter");
        assertFalse(exported.contains("vigil_ingest_flows_received"), "a counter's series always has _total");
        assertFalse(exported.contains("vigil_ingest_flows_recieved_total"), "a misspelt name is not exported");
    }
}
