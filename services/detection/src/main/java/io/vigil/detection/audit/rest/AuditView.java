package io.vigil.detection.audit.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.detection.audit.AuditEntry;

import java.time.Instant;

/** An audit entry as the API shows it; details is what changed. */
public record AuditView(long seq, String customerId, String actor, String sourceIp, String action, String target,
                        JsonNode details, Instant at) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static AuditView of(AuditEntry e) {
        JsonNode details;
        try {
            details = JSON.readTree(e.details);
        } catch (JsonProcessingException ex) {
            details = JSON.createObjectNode();
        }
        return new AuditView(e.seq, e.customerId, e.actor, e.sourceIp, e.action, e.target, details, e.at);
    }
}
