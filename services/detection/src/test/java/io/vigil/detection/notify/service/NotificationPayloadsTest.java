package io.vigil.detection.notify.service;

import io.vigil.detection.model.Severity;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.notify.CefParser;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class NotificationPayloadsTest {

    static Alert alert(String source, Severity severity) {
        Alert a = new Alert();
        a.id = "al-1";
        a.customerId = "a1";
        a.mspId = "msp-a";
        a.family = AlertFamily.RECONNAISSANCE;
        a.type = AlertType.HOST_SWEEP;
        a.source = source;
        a.status = AlertStatus.OPEN;
        a.severity = severity;
        a.score = 70;
        a.direction = Direction.LATERAL;
        a.mitre = new String[]{"T1046"};
        a.summary = "x=1 | y \\ z";
        a.targets = new String[0];
        a.ports = new String[0];
        a.targetCount = 12;
        a.portCount = 0;
        a.attempts = 24;
        a.firstSeen = Instant.ofEpochMilli(1000);
        a.lastSeen = Instant.ofEpochMilli(2000);
        return a;
    }

    @Test
    void anEscalationCarriesBothSeveritiesAndTheSummaryEscaped() {
        String line = NotificationPayloads.cef(AlertChanged.of(alert("10.0.0.5", Severity.CRITICAL), AlertChanged.Change.ESCALATED,
                Severity.HIGH), "1.2.3", Instant.ofEpochMilli(3000));
        assertEquals("CEF:0|Vigil|Vigil|1.2.3|scan.host_sweep|Probing and Reconnaissance (host sweep)|10|rt=3000 act=escalated",
                line.substring(0, line.indexOf(" cat=")));
        Map<String, String> ext = CefParser.parse(line).extensions();
        assertEquals("x=1 | y \\ z", ext.get("msg"));
        assertEquals("10.0.0.5", ext.get("src"));
        assertEquals("HIGH", ext.get("cs6"));
        assertEquals("1000", ext.get("start"));
        assertEquals("2000", ext.get("end"));
        assertEquals("24", ext.get("cnt"));
        assertEquals("12", ext.get("cn1"));
        assertEquals("Probing and Reconnaissance", ext.get("cat"), "the family names the category");
    }

    @Test
    void otherFamiliesGetTheirOwnSignatureAndCategory() {
        assertEquals("scan", NotificationPayloads.signaturePrefix(AlertFamily.RECONNAISSANCE), "kept from the first release");
        assertEquals("command-and-control", NotificationPayloads.signaturePrefix(AlertFamily.COMMAND_AND_CONTROL));
        assertEquals("lateral-movement", NotificationPayloads.signaturePrefix(AlertFamily.LATERAL_MOVEMENT));
    }

    @Test
    void anIpv6SourceGoesToC6a2AndAnOpeningHasNoPreviousSeverity() {
        Map<String, String> ext = CefParser.parse(NotificationPayloads.cef(AlertChanged.of(alert("2001:db8::5", Severity.LOW),
                AlertChanged.Change.OPENED, null), "1", Instant.EPOCH)).extensions();
        assertEquals("2001:db8::5", ext.get("c6a2"));
        assertEquals("Source IPv6 Address", ext.get("c6a2Label"));
        assertFalse(ext.containsKey("src"));
        assertFalse(ext.containsKey("cs6"));
        assertFalse(ext.containsKey("cs6Label"));
    }

    @Test
    void severitiesMapToCefBandsAndSyslogLevels() {
        assertEquals(3, NotificationPayloads.cefSeverity(Severity.LOW));
        assertEquals(5, NotificationPayloads.cefSeverity(Severity.MEDIUM));
        assertEquals(8, NotificationPayloads.cefSeverity(Severity.HIGH));
        assertEquals(10, NotificationPayloads.cefSeverity(Severity.CRITICAL));
        assertEquals(5, NotificationPayloads.syslogSeverity(Severity.LOW));
        assertEquals(2, NotificationPayloads.syslogSeverity(Severity.CRITICAL));
        assertEquals("alert.escalated", NotificationPayloads.eventType("ESCALATED"));
        assertEquals("test", NotificationPayloads.eventType("TEST"));
    }

    private static NotificationPayloads payloads() {
        io.vigil.detection.notify.NotifyConfig config = new io.smallrye.config.SmallRyeConfigBuilder()
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValue("vigil.notify.secret-key", java.util.Base64.getEncoder().encodeToString(new byte[32]))
                .withDefaultValue("vigil.notify.syslog-hostname", "vm")
                .withMapping(io.vigil.detection.notify.NotifyConfig.class).build()
                .getConfigMapping(io.vigil.detection.notify.NotifyConfig.class);
        return new NotificationPayloads(new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules(), config, "1");
    }

    @Test
    void aResolutionIsAlertResolvedInTheWebhookAndInformationalInSyslog() throws Exception {
        Alert a = alert("10.0.0.5", Severity.HIGH);
        a.status = AlertStatus.RESOLVED;
        a.resolvedBy = "msp-a-analyst";
        a.resolvedAt = Instant.ofEpochMilli(5000);
        AlertChanged resolved = AlertChanged.of(a, AlertChanged.Change.RESOLVED, null);
        NotificationPayloads p = payloads();

        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(p.webhook("dl-1", resolved, Instant.ofEpochMilli(6000)));
        assertEquals("alert.resolved", body.get("type").asText());
        assertEquals("RESOLVED", body.get("change").asText());
        assertEquals("RESOLVED", body.at("/alert/status").asText());
        assertEquals("msp-a-analyst", body.at("/alert/resolvedBy").asText());
        assertEquals("alert.resolved", NotificationPayloads.eventType("RESOLVED"));

        String line = p.syslog(resolved, Instant.ofEpochMilli(6000));
        // local0 (16) * 8 + informational (6): a resolution is not an error, whatever the alert's severity was
        assertEquals("<134>1 1970-01-01T00:00:06.000Z vm vigil-detection ", line.substring(0, line.indexOf("vigil-detection ") + 16));
        assertEquals(" RESOLVED - CEF:0|", line.substring(line.indexOf(" RESOLVED "), line.indexOf("CEF:0|") + 6));
        Map<String, String> ext = CefParser.parse(line.substring(line.indexOf("CEF:0|"))).extensions();
        assertEquals("resolved", ext.get("act"));
        assertEquals("RESOLVED", ext.get("cs5"));
        assertEquals("<131>", p.syslog(AlertChanged.of(alert("10.0.0.5", Severity.HIGH), AlertChanged.Change.ESCALATED,
                Severity.LOW), Instant.EPOCH).substring(0, 5), "other changes keep the alert's severity");
    }

    private static io.vigil.detection.sensor.SensorChanged sensorChanged(io.vigil.detection.sensor.SensorPresence.Event event) {
        boolean offline = event == io.vigil.detection.sensor.SensorPresence.Event.OFFLINE;
        return new io.vigil.detection.sensor.SensorChanged(event, "msp-a", "a1", "sn-core", "core | span=1", "st-hq", "HQ",
                Instant.parse("2026-12-08T10:10:00Z"), Instant.parse("2026-12-08T10:15:00Z"),
                offline ? Instant.parse("2026-12-08T10:15:00Z") : Instant.parse("2026-12-08T10:30:00Z"));
    }

    @Test
    void aSensorGoingOfflineIsSensorOfflineWithItsCustomerSiteAndLastHeartbeat() throws Exception {
        NotificationPayloads p = payloads();
        io.vigil.detection.sensor.SensorChanged off = sensorChanged(io.vigil.detection.sensor.SensorPresence.Event.OFFLINE);
        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.webhook("dl-2", off));
        assertEquals("sensor.offline", body.get("type").asText());
        assertEquals("SENSOR_OFFLINE", body.get("event").asText());
        assertEquals("2026-12-08T10:15:00Z", body.get("occurredAt").asText());
        assertEquals("a1", body.get("customerId").asText());
        assertEquals("msp-a", body.get("mspId").asText());
        assertEquals("sn-core", body.at("/sensor/id").asText());
        assertEquals("core | span=1", body.at("/sensor/name").asText());
        assertEquals("st-hq", body.at("/sensor/siteId").asText());
        assertEquals("HQ", body.at("/sensor/siteName").asText());
        assertEquals("OFFLINE", body.at("/sensor/status").asText());
        assertEquals("2026-12-08T10:10:00Z", body.at("/sensor/lastHeartbeatAt").asText());
        assertEquals("2026-12-08T10:15:00Z", body.at("/sensor/offlineSince").asText());
        assertEquals("sensor.offline", NotificationPayloads.eventType("SENSOR_OFFLINE"));
        assertEquals("sensor.online", NotificationPayloads.eventType("SENSOR_ONLINE"));

        String line = p.syslog(off);
        // local0 (16) * 8 + warning (4)
        assertEquals("<132>1 2026-12-08T10:15:00.000Z vm vigil-detection ", line.substring(0, line.indexOf("vigil-detection ") + 16));
        assertEquals(" SENSOR_OFFLINE - CEF:0|", line.substring(line.indexOf(" SENSOR_OFFLINE "), line.indexOf("CEF:0|") + 6));
        CefParser.Parsed cef = CefParser.parse(line.substring(line.indexOf("CEF:0|")));
        assertEquals(List.of("Vigil", "Vigil", "1", "sensor.offline", "Sensor offline", "5"), cef.header());
        Map<String, String> ext = cef.extensions();
        assertEquals("offline", ext.get("act"));
        assertEquals("sn-core", ext.get("deviceExternalId"));
        assertEquals("core | span=1", ext.get("dvchost"), "escaped and read back whole");
        assertEquals(String.valueOf(Instant.parse("2026-12-08T10:15:00Z").toEpochMilli()), ext.get("start"));
        assertEquals(String.valueOf(Instant.parse("2026-12-08T10:10:00Z").toEpochMilli()), ext.get("end"));
        assertEquals("a1", ext.get("cs1"));
        assertEquals("msp-a", ext.get("cs2"));
        assertEquals("st-hq", ext.get("cs3"));
        assertEquals("OFFLINE", ext.get("cs5"));
    }

    @Test
    void aSensorBackIsSensorOnlineAndInformational() throws Exception {
        NotificationPayloads p = payloads();
        io.vigil.detection.sensor.SensorChanged on = sensorChanged(io.vigil.detection.sensor.SensorPresence.Event.ONLINE);
        com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.webhook("dl-3", on));
        assertEquals("sensor.online", body.get("type").asText());
        assertEquals("ONLINE", body.at("/sensor/status").asText());
        assertEquals("2026-12-08T10:15:00Z", body.at("/sensor/offlineSince").asText(), "the offline period that ended");
        String line = p.syslog(on);
        assertEquals("<134>", line.substring(0, 5));
        assertEquals("sensor.online", CefParser.parse(line.substring(line.indexOf("CEF:0|"))).header().get(3));
    }
}
