package io.vigil.portal.api;

import java.time.Instant;
import java.util.List;

/** A customer (tenant) as the tenants API shows it. */
public record Customer(String id, String mspId, String name, List<String> internalNetworks, String timeZone,
                       int retentionDays, String status, Instant createdAt) {
}
