package io.vigil.detection;

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
 * Detection logs in to each database as its own user, with only what it needs: it reads flows but can neither
 * write nor change ClickHouse, and in PostgreSQL it owns schema detection and reaches nothing of tenants'.
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
    void detectionReadsFlowsButCanNeitherWriteNorChangeClickHouse() {
        DatabaseGrants.assertClickHouseReadOnly(db, "flows", sql -> clickhouse.select(sql, r -> r.getLong("n")),
                clickhouse::execute);
    }

    @Test
    void detectionsRoleOwnsSchemaDetectionAndReachesNoOtherTable() {
        DatabaseGrants.assertOwnsOnlyItsSchema("vigil_detection", "detection", "alerts", sql -> {
            List<String> column = new ArrayList<>();
            pool.query(sql).execute().await().indefinitely().forEach(r -> column.add(r.getString(0)));
            return column;
        });
    }
}
