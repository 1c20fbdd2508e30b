package io.vigil.detection.alert.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.AlertSummary;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Severity;
import io.vigil.lib.api.paging.Page;

import java.time.Instant;
import java.util.List;

/**
 * An alert as the API shows it. The list carries everything but the evidence lists and samples; the detail has them.
 *
 * @param targets  probed hosts (up to 1000; targetCount is the full count)
 * @param ports    probed services such as "22/tcp" (up to 1000; portCount is the full count)
 * @param sourceCount scanning addresses: 1, or a distributed scan's members
 * @param sources  the scanning addresses (up to 1000): the source, or a distributed scan's members
 * @param failedRatio failed probe flows / probe flows
 * @param trwFailures failed probes the sequential test needed to decide (0: decided by counting or as a slow scan)
 * @param samples  a few probes: source, host, port, protocol, kind, flows, failed, answered, first/last ms
 * @param evidence the family's own evidence (reconnaissance: {@code probes}, the kinds of probe seen, such as SYN
 *                 and ACK_PING)
 * @param related  ids of the customer's alerts of the same source that tell one story (a scan, then admin logins)
 * @param baseline the source against its baseline: state (MATURE, LEARNING, NONE), the comparisons (observed figure,
 *                 p99, limit, exceeded) and their text, "observed 212 failed targets in the last hour vs baseline p99 12"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertView(String id, String customerId, AlertFamily family, AlertType type, String source, AlertStatus status,
                        Severity severity, int score, Direction direction, boolean slow, List<String> mitre,
                        String summary, int targetCount, int portCount, int sourceCount, long attempts, long failed, long answered,
                        double failedRatio, int trwFailures, Instant firstSeen, Instant lastSeen, int reopenCount,
                        String acknowledgedBy, Instant acknowledgedAt, String resolvedBy, Instant resolvedAt,
                        Instant createdAt, Instant updatedAt,
                        List<String> targets, List<String> ports, List<String> sources, JsonNode samples, JsonNode evidence,
                        JsonNode baseline, List<String> related) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A page of alerts as the lists show them (without the evidence lists). */
    public static Page<AlertView> page(Page<Alert> alerts) {
        return new Page<>(alerts.items().stream().map(AlertView::summary).toList(), alerts.nextCursor());
    }

    public static AlertView summary(Alert a) {
        return of(a, false);
    }

    public static AlertView detail(Alert a) {
        return of(a, true);
    }

    private static AlertView of(Alert a, boolean detail) {
        JsonNode samples = detail ? read(a.samples, true) : null;
        JsonNode baseline = detail ? read(a.baseline, false) : null;
        JsonNode own = detail ? read(a.evidence, false) : null;
        double ratio = AlertSummary.failedRatio(a);
        return new AlertView(a.id, a.customerId, a.family, a.type, a.source, a.status, a.severity, a.score, a.direction, a.slow,
                List.of(a.mitre), a.summary, a.targetCount, a.portCount, a.sourceCount, a.attempts, a.failed, a.answered, ratio,
                a.trwFailures, a.firstSeen, a.lastSeen, a.reopenCount, a.acknowledgedBy, a.acknowledgedAt, a.resolvedBy,
                a.resolvedAt, a.createdAt, a.updatedAt,
                detail ? List.of(a.targets) : null, detail ? List.of(a.ports) : null,
                detail ? List.of(a.sources) : null, samples, own, baseline, a.related == null ? List.of() : List.of(a.related));
    }

    private static JsonNode read(String json, boolean array) {
        try {
            return JSON.readTree(json == null ? (array ? "[]" : "{}") : json);
        } catch (JsonProcessingException e) {
            return array ? JSON.createArrayNode() : JSON.createObjectNode();
        }
    }
}
