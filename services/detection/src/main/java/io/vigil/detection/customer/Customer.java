package io.vigil.detection.customer;

import io.vigil.detection.model.Networks;

import java.time.Instant;
import java.util.List;

/**
 * What detection needs of a customer (the tenant): its MSP, which scopes every query, its internal networks, which set
 * direction and severity and decide which hosts get baselines, and where the answer came from.
 *
 * @param origin   TENANTS (fresh from the tenants API), LAST_KNOWN (tenants failed; the copy stored at {@code asOf}),
 *                 or TABLE (the configured source is detection's own table, as in tests)
 * @param asOf     when this copy was fetched from its origin
 */
public record Customer(String id, String mspId, String status, List<String> internalNetworks, String timeZone,
                       Origin origin, Instant asOf) {

    public enum Origin { TENANTS, LAST_KNOWN, TABLE }

    public Networks networks() {
        return Networks.of(internalNetworks);
    }
}
