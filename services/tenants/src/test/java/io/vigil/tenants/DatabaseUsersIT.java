package io.vigil.tenants;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseUnavailableException;
import io.vigil.lib.testing.DatabaseGrants;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenants logs in to each database as its own user, with only what it needs: it reads sensor heartbeats but can
 * neither write nor change ClickHouse, and in PostgreSQL it owns schema tenants and reaches nothing of detection's.
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
        assertEquals(1, clickhouse.select("SELECT count() AS n FROM " + db + ".sensor_status", r -> r.getLong("n")).size());

        var insert = assertThrows(ClickHouseUnavailableException.class,
                () -> clickhouse.execute("INSERT INTO " + db + ".sensor_status (tenant_id) VALUES ('database-users-it')"));
        assertTrue(insert.getMessage().contains(DatabaseGrants.CLICKHOUSE_READONLY), insert.getMessage());
        var create = assertThrows(ClickHouseUnavailableException.class,
                () -> clickhouse.execute("CREATE TABLE " + db + ".database_users_it (x UInt8) ENGINE = Memory"));
        assertTrue(create.getMessage().contains(DatabaseGrants.CLICKHOUSE_READONLY), create.getMessage());
    }

    @Test
    void tenantsRoleOwnsSchemaTenantsAndReachesNoOtherTable() {
        Row login = pool.query(DatabaseGrants.LOGIN).execute().await().indefinitely().iterator().next();
        assertEquals("vigil_tenants", login.getString(0));
        assertFalse(login.getBoolean(1), "neither a superuser nor a role creator");

        assertEquals(List.of(), strings(DatabaseGrants.FOREIGN_RELATIONS), "tables outside schema tenants");
        assertEquals(List.of(), strings(DatabaseGrants.FOREIGN_CREATE_SCHEMAS), "schemas it may create in");
        long own = pool.query("SELECT count(*) FROM tenants.customers").execute().await().indefinitely()
                .iterator().next().getLong(0);
        assertTrue(own >= 0);
    }

    private List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.of("tenants")).await().indefinitely().forEach(r -> out.add(r.getString(0)));
        return out;
    }
}
