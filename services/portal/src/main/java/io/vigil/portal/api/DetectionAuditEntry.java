package io.vigil.portal.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** An entry of the detection service's audit log (triage, comments, rules). */
public record DetectionAuditEntry(long seq, String customerId, String actor, String sourceIp, String action,
                                  String target, JsonNode details, Instant at) {
}
