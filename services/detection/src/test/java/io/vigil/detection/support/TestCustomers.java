package io.vigil.detection.support;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.UUID;

/**
 * Per-run customers for the ITs on the shared stack: each test gets a fresh tenant id ({@code it-<8 hex>}), written
 * into detection.customers, the seam detection reads its customers from in tests.
 */
public final class TestCustomers {

    private TestCustomers() {
    }

    /** A fresh customer of msp-a with these internal networks; its id. */
    public static String create(Pool pool, String... networks) {
        return named(pool, "it-" + UUID.randomUUID().toString().substring(0, 8), "msp-a", networks);
    }

    /** The customer {@code id} of {@code mspId} with these internal networks; its id. */
    public static String named(Pool pool, String id, String mspId, String... networks) {
        pool.preparedQuery("INSERT INTO detection.customers (id, msp_id, internal_networks, updated_at) VALUES ($1, $2, $3, now())")
                .execute(Tuple.of(id, mspId, networks)).await().indefinitely();
        return id;
    }
}
