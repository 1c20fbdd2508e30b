package io.vigil.portal.api;

import java.time.Instant;

/**
 * A suppression or allow-list entry as detection shows it (the fields the portal reads).
 *
 * @param hits             findings the entry has dropped
 * @param permanent        an admin chose no expiry
 * @param broadConfirmedBy the admin who confirmed a CIDR broader than /16 (IPv6 /48)
 */
public record Rule(String id, String kind, String sourceCidr, Integer port, String type, Instant expiresAt, String reason,
                   long hits, Instant lastHitAt, boolean active, boolean permanent, String broadConfirmedBy, String createdBy) {

    public boolean allow() {
        return "ALLOW".equals(kind);
    }
}
