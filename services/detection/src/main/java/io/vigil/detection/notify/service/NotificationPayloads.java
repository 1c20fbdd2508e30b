package io.vigil.detection.notify.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertSummary;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.notify.Cef;
import io.vigil.detection.notify.NotificationEvent;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.Syslog5424;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import io.vigil.detection.sensor.SensorChanged;
import io.vigil.detection.sensor.SensorPresence;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The bytes a notification carries: the webhook's JSON body, and the RFC 5424 line with its CEF message. */
@ApplicationScoped
public class NotificationPayloads {

    public static final String APP_NAME = "vigil-detection";
    /** The event name of a test delivery (not an alert change). */
    public static final String TEST = "TEST";

    private final ObjectMapper json;
    private final String version;
    private final String hostname;
    private final int facility;
    private final String procId = String.valueOf(ProcessHandle.current().pid());

    public NotificationPayloads(ObjectMapper json, NotifyConfig config,
                                @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String version) {
        this.json = json;
        this.version = version;
        this.hostname = config.syslogHostname().orElseGet(NotificationPayloads::localHostname);
        this.facility = config.syslogFacility();
    }

    /** The webhook body: {id, type ("alert.opened"…), occurredAt, change, previousSeverity, mspId, customerId, alert}. */
    public String webhook(String deliveryId, AlertChanged e, Instant at) {
        ObjectNode body = json.createObjectNode();
        body.put("id", deliveryId);
        body.put("type", eventType(e.change().name()));
        body.put("occurredAt", at.toString());
        body.put("change", e.change().name());
        body.put("previousSeverity", e.previousSeverity() == null ? null : e.previousSeverity().name());
        body.put("mspId", e.mspId());
        body.put("customerId", e.alert().customerId());
        body.set("alert", json.valueToTree(e.alert()));
        return write(body);
    }

    /** A test webhook body: same envelope, type "test", no alert. */
    public String webhookTest(String deliveryId, String mspId, String customerId, Instant at) {
        ObjectNode body = json.createObjectNode();
        body.put("id", deliveryId);
        body.put("type", eventType(TEST));
        body.put("occurredAt", at.toString());
        body.put("mspId", mspId);
        body.put("customerId", customerId);
        return write(body);
    }

    /** "alert.opened", "alert.escalated", "alert.reopened", "alert.resolved", "sensor.offline", "sensor.online", or "test". */
    public static String eventType(String event) {
        return TEST.equals(event) ? "test" : NotificationEvent.valueOf(event).type();
    }

    /** The event of a sensor's transition. */
    public static NotificationEvent event(SensorChanged e) {
        return e.event() == SensorPresence.Event.OFFLINE ? NotificationEvent.SENSOR_OFFLINE : NotificationEvent.SENSOR_ONLINE;
    }

    /**
     * The webhook body of a sensor's transition: {id, type ("sensor.offline", "sensor.online"), occurredAt, event, mspId,
     * customerId, sensor: {id, name, siteId, siteName, status, lastHeartbeatAt, offlineSince}}.
     */
    public String webhook(String deliveryId, SensorChanged e) {
        NotificationEvent event = event(e);
        ObjectNode body = json.createObjectNode();
        body.put("id", deliveryId);
        body.put("type", event.type());
        body.put("occurredAt", e.at().toString());
        body.put("event", event.name());
        body.put("mspId", e.mspId());
        body.put("customerId", e.customerId());
        ObjectNode sensor = body.putObject("sensor");
        sensor.put("id", e.sensorId());
        sensor.put("name", e.name());
        sensor.put("siteId", e.siteId());
        sensor.put("siteName", e.siteName());
        sensor.put("status", e.event().name());
        sensor.put("lastHeartbeatAt", e.lastHeartbeat() == null ? null : e.lastHeartbeat().toString());
        sensor.put("offlineSince", e.offlineSince() == null ? null : e.offlineSince().toString());
        return write(body);
    }

    /** The syslog line of a sensor's transition: warning (4) when it goes offline, informational (6) when it is back. */
    public String syslog(SensorChanged e) {
        int level = e.event() == SensorPresence.Event.OFFLINE ? 4 : 6;
        return Syslog5424.message(facility, level, e.at(), hostname, APP_NAME, procId, event(e).name(), cef(e, version));
    }

    /**
     * CEF:0|Vigil|Vigil|version|sensor.offline or sensor.online|Sensor offline or Sensor online|5 or 3|extensions: the
     * sensor as the device ({@code deviceExternalId}, {@code dvchost} its name), {@code start} when it went offline,
     * {@code end} its last heartbeat, and the customer, MSP, site and status as custom strings.
     */
    public static String cef(SensorChanged e, String version) {
        boolean offline = e.event() == SensorPresence.Event.OFFLINE;
        String what = offline ? "offline" : "online";
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("rt", String.valueOf(e.at().toEpochMilli()));
        ext.put("act", what);
        ext.put("cat", "Sensor health");
        ext.put("deviceExternalId", e.sensorId());
        ext.put("dvchost", e.name());
        ext.put("start", e.offlineSince() == null ? null : String.valueOf(e.offlineSince().toEpochMilli()));
        ext.put("end", e.lastHeartbeat() == null ? null : String.valueOf(e.lastHeartbeat().toEpochMilli()));
        ext.put("msg", offline
                ? "sensor " + e.name() + " sent no heartbeat since " + (e.lastHeartbeat() == null ? "its enrollment" : e.lastHeartbeat())
                : "sensor " + e.name() + " reports again, offline since " + e.offlineSince());
        custom(ext, "cs1", "customer", e.customerId());
        custom(ext, "cs2", "msp", e.mspId());
        custom(ext, "cs3", "site", e.siteId());
        custom(ext, "cs4", "siteName", e.siteName());
        custom(ext, "cs5", "status", offline ? "OFFLINE" : "ONLINE");
        return Cef.format("Vigil", "Vigil", version, "sensor." + what, "Sensor " + what, offline ? 5 : 3, ext);
    }

    public String syslog(AlertChanged e, Instant at) {
        Severity severity = e.alert().severity();
        // A resolution is news, not a problem: informational (6), whatever the alert's severity was.
        int level = e.change() == AlertChanged.Change.RESOLVED ? 6 : syslogSeverity(severity);
        return Syslog5424.message(facility, level, at, hostname, APP_NAME, procId, e.change().name(), cef(e, version, at));
    }

    public String syslogTest(String mspId, String customerId, Instant at) {
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("rt", String.valueOf(at.toEpochMilli()));
        ext.put("msg", "Vigil test notification");
        custom(ext, "cs1", "customer", customerId);
        custom(ext, "cs2", "msp", mspId);
        return Syslog5424.message(facility, 6, at, hostname, APP_NAME, procId, TEST,
                Cef.format("Vigil", "Vigil", version, "test", "Vigil test notification", 0, ext));
    }

    /**
     * CEF:0|Vigil|Vigil|version|&lt;family&gt;.&lt;type&gt;|&lt;family title&gt; (&lt;type&gt;)|0..10|extensions, with the
     * family's title as the category ({@code cat}). Reconnaissance keeps its signature ids "scan.&lt;type&gt;".
     */
    public static String cef(AlertChanged e, String version, Instant at) {
        AlertSummary a = e.alert();
        String type = a.type().name().toLowerCase(Locale.ROOT);
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("rt", String.valueOf(at.toEpochMilli()));
        ext.put("act", e.change().name().toLowerCase(Locale.ROOT));
        ext.put("cat", a.family().title());
        if (a.type() == AlertType.DISTRIBUTED) {
            // Its source is a key ("23/tcp 10.78.0.0/24"), not an address: the summary in msg names the key and the count.
        } else if (a.source().contains(":")) {
            ext.put("c6a2", a.source());
            ext.put("c6a2Label", "Source IPv6 Address");
        } else {
            ext.put("src", a.source());
        }
        ext.put("start", a.firstSeen() == null ? null : String.valueOf(a.firstSeen().toEpochMilli()));
        ext.put("end", a.lastSeen() == null ? null : String.valueOf(a.lastSeen().toEpochMilli()));
        ext.put("cnt", String.valueOf(a.attempts()));
        ext.put("externalId", a.id());
        ext.put("msg", a.summary());
        custom(ext, "cs1", "customer", a.customerId());
        custom(ext, "cs2", "msp", e.mspId());
        custom(ext, "cs3", "mitre", a.mitre() == null ? null : String.join(",", a.mitre()));
        custom(ext, "cs4", "direction", a.direction() == null ? null : a.direction().name());
        custom(ext, "cs5", "status", a.status() == null ? null : a.status().name());
        custom(ext, "cs6", "previousSeverity", e.previousSeverity() == null ? null : e.previousSeverity().name());
        custom(ext, "cn1", "targets", String.valueOf(a.targetCount()));
        custom(ext, "cn2", "ports", String.valueOf(a.portCount()));
        custom(ext, "cn3", "score", String.valueOf(a.score()));
        return Cef.format("Vigil", "Vigil", version, signaturePrefix(a.family()) + "." + type,
                a.family().title() + " (" + type.replace('_', ' ') + ")", cefSeverity(a.severity()), ext);
    }

    /** "scan" for reconnaissance (its ids since the first release), else the family's name: "command-and-control". */
    static String signaturePrefix(AlertFamily family) {
        return family == AlertFamily.RECONNAISSANCE ? "scan" : family.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A custom extension (csN, cnN) with its label, both left out when there is no value. */
    private static void custom(Map<String, String> ext, String key, String label, String value) {
        if (value != null) {
            ext.put(key + "Label", label);
            ext.put(key, value);
        }
    }

    /** ArcSight's bands: 0–3 low, 4–6 medium, 7–8 high, 9–10 very high. */
    public static int cefSeverity(Severity s) {
        return switch (s) {
            case LOW -> 3;
            case MEDIUM -> 5;
            case HIGH -> 8;
            case CRITICAL -> 10;
        };
    }

    /** RFC 5424 severities: notice, warning, error, critical. */
    public static int syslogSeverity(Severity s) {
        return switch (s) {
            case LOW -> 5;
            case MEDIUM -> 4;
            case HIGH -> 3;
            case CRITICAL -> 2;
        };
    }

    private String write(ObjectNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return APP_NAME;
        }
    }
}
