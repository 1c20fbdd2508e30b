package io.vigil.lib.tenants;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/**
 * What tenants' internal API says of a sensor. Unknown fields are ignored, so tenants can add some without breaking its
 * callers.
 *
 * @param status     PENDING (not enrolled yet), ACTIVE or REVOKED
 * @param siteId     its site, null when it has none
 * @param siteName   that site's name, null when it has none
 * @param enrolledAt when it redeemed its enrollment token; null while PENDING
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantsSensor(String id, String customerId, String mspId, String siteId, String siteName, String name,
                            String status, Instant createdAt, Instant enrolledAt) {
}
