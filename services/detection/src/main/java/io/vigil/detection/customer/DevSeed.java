package io.vigil.detection.customer;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The dev customers of the tenants service's seed (msp-a: a1, a2; msp-b: b1, b2) with the same internal networks, as
 * first "last known" copies: tests read them from the table, and a dev detection started before tenants has them.
 * Idempotent (never overwrites a copy from tenants); off in prod.
 */
@ApplicationScoped
public class DevSeed {

    private static final Logger LOG = Logger.getLogger(DevSeed.class);

    /** customer id, MSP id, internal networks. */
    static final String[][] CUSTOMERS = {
            {"a1", "msp-a", "10.1.0.0/16,fd00:a1::/48"},
            {"a2", "msp-a", "10.2.0.0/16"},
            {"b1", "msp-b", "10.1.0.0/16,fd00:b1::/48"},
            {"b2", "msp-b", "192.168.0.0/16"}};

    void seed(@Observes StartupEvent event, Pool pool, @ConfigProperty(name = "vigil.detection.dev-seed") boolean enabled) {
        if (!enabled) {
            return;
        }
        int inserted = 0;
        for (String[] c : CUSTOMERS) {
            inserted += pool.preparedQuery("INSERT INTO detection.customers (id, msp_id, internal_networks, updated_at)"
                            + " VALUES ($1, $2, $3, now()) ON CONFLICT (id) DO NOTHING")
                    .execute(Tuple.of(c[0], c[1], c[2].split(","))).await().indefinitely().rowCount();
        }
        LOG.infof("dev seed: %d of %d customers inserted", inserted, CUSTOMERS.length);
    }
}
