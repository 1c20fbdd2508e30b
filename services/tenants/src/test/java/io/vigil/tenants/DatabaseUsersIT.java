package io.vigil.tenants;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.testing.DatabaseGrants;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Tenants logs in to each database as its own user, with only what it needs: it reads sensor heartbeats but can neither
 * write nor change ClickHouse, and in PostgreSQL it owns schema tenants and reaches nothing of detection's.
 */
@QuarkusTest
class DatabaseUsersIT {

    @Inject
    ClickHouseQueries clickhouse;

    @Inject
    Pool pool;

    @ConfigProperty(name = "vigil.clickhouse.database")
    String db;

    @Test
    void tenantsReadsHeartbeatsButCanNeitherWriteNorChangeClickHouse() {
        DatabaseGrants.assertClickHouseReadOnly(db, "sensor_status", sql -> clickhouse.select(sql, r -> r.getLong("n")),
                clickhouse::execute);
    }

    @Test
    void tenantsRoleOwnsSchemaTenantsAndReachesNoOtherTable() {
        DatabaseGrants.assertOwnsOnlyItsSchema("vigil_tenants", "tenants", "customers", sql -> {
            List<String> column = new ArrayList<>();
            pool.query(sql).execute().await().indefinitely().forEach(r -> column.add(r.getString(0)));
            return column;
        });
    }
}
