package io.vigil.portal.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** A SmartAlert as detection shows it; the evidence fields (targets, ports, samples, baseline) only in the detail. */
public record Alert(String id, String customerId, String type, String source, String status, String severity,
                    int score, String direction, boolean slow, List<String> mitre, String summary, int targetCount,
                    int portCount, long attempts, long failed, long answered, double failedRatio, int trwFailures,
                    Instant firstSeen, Instant lastSeen, int reopenCount, String acknowledgedBy, Instant acknowledgedAt,
                    String resolvedBy, Instant resolvedAt, List<String> targets, List<String> ports, JsonNode samples,
                    JsonNode baseline) {

    public boolean resolved() {
        return "RESOLVED".equals(status);
    }

    public boolean open() {
        return "OPEN".equals(status);
    }
}
