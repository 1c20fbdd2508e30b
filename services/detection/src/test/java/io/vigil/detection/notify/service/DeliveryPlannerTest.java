package io.vigil.detection.notify.service;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.model.Severity;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.repository.OutboxRepository;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which destinations a resolution goes to: those of its customer or MSP that chose RESOLVED, at their minimum severity. */
class DeliveryPlannerTest {

    private static DeliveryPlanner planner() {
        NotifyConfig config = new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("vigil.notify.secret-key", Base64.getEncoder().encodeToString(new byte[32]))
                .withDefaultValue("vigil.notify.syslog-hostname", "vm")
                .withMapping(NotifyConfig.class).build().getConfigMapping(NotifyConfig.class);
        return new DeliveryPlanner(new NotificationPayloads(new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules(),
                config, "1"));
    }

    private static AlertChanged resolved(int reopenCount) {
        Alert a = NotificationPayloadsTest.alert("10.0.0.5", Severity.HIGH);
        a.status = AlertStatus.RESOLVED;
        a.resolvedBy = "msp-a-analyst";
        a.resolvedAt = Instant.ofEpochMilli(5000);
        a.reopenCount = reopenCount;
        return AlertChanged.of(a, AlertChanged.Change.RESOLVED, null);
    }

    private static OutboxRepository.Target target(String id, List<String> events, String minSeverity, String customerId, String mspId) {
        return new OutboxRepository.Target(id, DestinationKind.WEBHOOK, minSeverity, events, customerId, mspId);
    }

    @Test
    void aResolutionGoesOnlyToDestinationsThatChoseItAtOrAboveTheirMinimumSeverity() {
        List<OutboxRepository.Target> targets = List.of(
                target("nd-chose", List.of("OPENED", "RESOLVED"), "LOW", "a1", "msp-a"),
                target("nd-older", List.of("OPENED", "ESCALATED", "REOPENED"), "LOW", "a1", "msp-a"),
                target("nd-critical-only", List.of("RESOLVED"), "CRITICAL", "a1", "msp-a"),
                target("nd-msp-wide", List.of("RESOLVED"), "HIGH", null, "msp-a"),
                target("nd-other-customer", List.of("RESOLVED"), "LOW", "a2", "msp-a"),
                target("nd-other-msp", List.of("RESOLVED"), "LOW", null, "msp-b"));
        List<OutboxRepository.NewDelivery> rows = planner().plan(List.of(resolved(0)), targets, Instant.ofEpochMilli(6000));
        assertEquals(List.of("nd-chose", "nd-msp-wide"), rows.stream().map(OutboxRepository.NewDelivery::destinationId).toList());
        for (OutboxRepository.NewDelivery d : rows) {
            assertEquals("RESOLVED", d.event());
            assertEquals("al-1", d.alertId());
            assertTrue(d.payload().contains("\"type\":\"alert.resolved\""), d.payload());
            assertTrue(d.payload().contains("\"id\":\"" + d.id() + "\""), "the body names its delivery id, the webhook-id");
        }
    }

    @Test
    void eachResolutionAfterAReopeningIsItsOwnDeliveryButTheSameOneIsQueuedOnce() {
        String first = DeliveryPlanner.dedupeKey(resolved(0));
        assertEquals(first, DeliveryPlanner.dedupeKey(resolved(0)), "a resolution fired twice is one delivery");
        assertNotEquals(first, DeliveryPlanner.dedupeKey(resolved(1)), "resolved again after reopening: announced again");
    }

    @Test
    void aSensorTransitionGoesToItsCustomersAndMspsDestinationsThatChoseItWhateverTheirMinimumSeverity() {
        List<OutboxRepository.Target> targets = List.of(
                target("nd-chose", List.of("OPENED", "SENSOR_OFFLINE", "SENSOR_ONLINE"), "CRITICAL", "a1", "msp-a"),
                target("nd-alerts-only", List.of("OPENED", "ESCALATED", "REOPENED", "RESOLVED"), "LOW", "a1", "msp-a"),
                target("nd-msp-wide", List.of("SENSOR_OFFLINE"), "LOW", null, "msp-a"),
                target("nd-other-customer", List.of("SENSOR_OFFLINE"), "LOW", "a2", "msp-a"),
                target("nd-other-msp", List.of("SENSOR_OFFLINE"), "LOW", null, "msp-b"));
        io.vigil.detection.sensor.SensorChanged off = new io.vigil.detection.sensor.SensorChanged(
                io.vigil.detection.sensor.SensorPresence.Event.OFFLINE, "msp-a", "a1", "sn-1", "core", null, null, null,
                Instant.ofEpochMilli(300_000), Instant.ofEpochMilli(300_000));
        List<OutboxRepository.NewDelivery> rows = planner().planSensors(List.of(off), targets);
        assertEquals(List.of("nd-chose", "nd-msp-wide"), rows.stream().map(OutboxRepository.NewDelivery::destinationId).toList());
        for (OutboxRepository.NewDelivery d : rows) {
            assertEquals("SENSOR_OFFLINE", d.event());
            assertEquals("a1", d.customerId());
            assertEquals(null, d.alertId());
            assertEquals(off.dedupeKey(), d.dedupeKey(), "a transition is queued once per destination");
        }
    }
}
