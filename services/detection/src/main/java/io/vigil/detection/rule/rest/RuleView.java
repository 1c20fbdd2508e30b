package io.vigil.detection.rule.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.model.AlertType;

import java.time.Instant;

/**
 * A rule as the API shows it.
 *
 * @param customerId null for an MSP-wide rule
 * @param hits             findings the rule has dropped
 * @param active           not expired now (and not broader than any rule may be)
 * @param permanent        an admin chose no expiry
 * @param broadConfirmedBy the admin who confirmed a CIDR broader than /16 (IPv6 /48)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleView(String id, Rule.Kind kind, String mspId, String customerId, String sourceCidr, Integer port,
                       AlertType type, Instant expiresAt, String reason, long hits, Instant lastHitAt, boolean active,
                       boolean permanent, String broadConfirmedBy,
                       String createdBy, Instant createdAt, String updatedBy, Instant updatedAt) {

    public static RuleView of(Rule r) {
        return new RuleView(r.id, r.kind, r.mspId, r.customerId, r.sourceCidr, r.port, r.type, r.expiresAt, r.reason,
                r.hits, r.lastHitAt, r.active(Instant.now()), r.permanent, r.broadConfirmedBy, r.createdBy, r.createdAt,
                r.updatedBy, r.updatedAt);
    }
}
