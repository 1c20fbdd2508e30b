package io.vigil.tenants.seed;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Puts the realm's dev data set (msp-a: a1, a2; msp-b: b1, b2) into the database in dev, test and demo, with the ids
 * of the dev users' claims. A startup bean rather than a Flyway migration: it is switched by a runtime property, it
 * never enters the schema history of a production database, and it is idempotent (ON CONFLICT DO NOTHING).
 */
@ApplicationScoped
public class DevSeed {

    private static final Logger LOG = Logger.getLogger(DevSeed.class);

    /** customer id, MSP id, name, internal networks. */
    private static final List<String[]> CUSTOMERS = List.of(
            new String[]{"a1", "msp-a", "Customer a1", "10.1.0.0/16,fd00:a1::/48"},
            new String[]{"a2", "msp-a", "Customer a2", "10.2.0.0/16"},
            new String[]{"b1", "msp-b", "Customer b1", "10.1.0.0/16,fd00:b1::/48"},
            new String[]{"b2", "msp-b", "Customer b2", "192.168.0.0/16"});

    void onStart(@Observes StartupEvent event, Pool pool,
                 @ConfigProperty(name = "vigil.tenants.dev-seed") boolean enabled) {
        if (!enabled) {
            return;
        }
        int inserted = 0;
        for (String msp : List.of("msp-a", "msp-b")) {
            inserted += pool.preparedQuery("INSERT INTO tenants.msps (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                    .execute(Tuple.of(msp, "MSP " + msp.substring(4).toUpperCase())).await().atMost(Duration.ofSeconds(30)).rowCount();
        }
        for (String[] c : CUSTOMERS) {
            inserted += pool.preparedQuery("INSERT INTO tenants.customers (id, msp_id, name, internal_networks, time_zone,"
                            + " retention_days, notification_contacts, status, created_at, updated_at)"
                            + " VALUES ($1, $2, $3, $4, 'UTC', 30, $5, 'ACTIVE', now(), now()) ON CONFLICT (id) DO NOTHING")
                    .execute(Tuple.of(c[0], c[1], c[2], c[3].split(","), new String[]{"soc@" + c[0] + ".vigil.test"}))
                    .await().atMost(Duration.ofSeconds(30)).rowCount();
        }
        LOG.infof("dev seed: msp-a (a1, a2), msp-b (b1, b2); %d row(s) inserted, the rest already present", inserted);
    }
}
