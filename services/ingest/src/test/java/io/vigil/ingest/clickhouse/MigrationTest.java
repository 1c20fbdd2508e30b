package io.vigil.ingest.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationTest {

    @Test
    void indexListsEveryMigrationFileInVersionOrder() throws IOException {
        List<String> files;
        try (Stream<Path> dir = Files.list(Path.of("src/main/resources/clickhouse/migrations"))) {
            files = dir.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }
        List<String> indexed = SchemaMigrator.load().stream()
                .map(m -> String.format("V%03d__%s.sql", m.version(), m.name())).toList();
        assertEquals(files, indexed);
    }

    @Test
    void splitsStatementsAndNamesTheDatabase() {
        Migration m = Migration.of("V007__two.sql", """
                -- a comment; with a semicolon
                CREATE TABLE ${database}.a (x UInt8)
                ENGINE = Memory;

                CREATE VIEW ${database}.b AS SELECT x FROM ${database}.a;
                """);
        assertEquals(7, m.version());
        assertEquals(List.of("CREATE TABLE db1.a (x UInt8)\nENGINE = Memory",
                "CREATE VIEW db1.b AS SELECT x FROM db1.a"), m.statements("db1"));
    }

    @Test
    void everyStatementIsIdempotent() {
        for (Migration m : SchemaMigrator.load()) {
            for (String statement : m.statements("vigil")) {
                assertTrue(statement.contains("IF NOT EXISTS"), m.name() + ": " + statement.lines().findFirst().orElse(""));
            }
        }
    }

    @Test
    void clusterModeMakesAReplicatedLocalTableAndADistributedOneOfTheSameName() {
        Migration m = Migration.of("V008__sum.sql", """
                CREATE TABLE IF NOT EXISTS ${database}.t
                (tenant_id String, n UInt64)
                ENGINE = SummingMergeTree((n))
                ORDER BY tenant_id;
                """);
        assertEquals(List.of("""
                        CREATE TABLE IF NOT EXISTS db1.t_local ON CLUSTER c1
                        (tenant_id String, n UInt64)
                        ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/db1/t_local', '{replica}', (n))
                        ORDER BY tenant_id""",
                "CREATE TABLE IF NOT EXISTS db1.t ON CLUSTER c1 AS db1.t_local"
                        + " ENGINE = Distributed(c1, db1, t_local, cityHash64(tenant_id))"),
                m.clusterStatements("db1", new ClusterDdl("c1")));
    }

    @Test
    void clusterModePointsMaterializedViewsAtTheLocalTablesOfTheirShardAndTheirTargetsKeepEveryBlock() {
        Migration m = Migration.of("V009__mv.sql", """
                CREATE TABLE IF NOT EXISTS ${database}.t (tenant_id String, n UInt64)
                ENGINE = SummingMergeTree() ORDER BY tenant_id;
                CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.v TO ${database}.t AS
                SELECT tenant_id, count() AS n FROM ${database}.f GROUP BY tenant_id;
                """);
        List<String> statements = m.clusterStatements("db1", new ClusterDdl("c1"));
        assertEquals(3, statements.size());
        assertTrue(statements.get(0).startsWith("CREATE TABLE IF NOT EXISTS db1.t_local ON CLUSTER c1"), statements.get(0));
        assertTrue(statements.get(0).endsWith("ORDER BY tenant_id\nSETTINGS replicated_deduplication_window = 0"),
                statements.get(0));
        assertEquals("CREATE MATERIALIZED VIEW IF NOT EXISTS db1.v ON CLUSTER c1 TO db1.t_local AS\n"
                + "SELECT tenant_id, count() AS n FROM db1.f_local GROUP BY tenant_id", statements.get(2));
    }

    @Test
    void anAddedColumnIsCheckedFirstBecause1816CannotParseItsIfNotExists() {
        AddColumn add = AddColumn.of("ALTER TABLE db1.flows_local ON CLUSTER c1 ADD COLUMN IF NOT EXISTS zeek_uid String"
                + " AFTER community_id").orElseThrow();
        assertEquals("ALTER TABLE db1.flows_local ON CLUSTER c1 ADD COLUMN zeek_uid String AFTER community_id",
                add.unguarded());
        assertEquals("SELECT count() AS n FROM system.columns WHERE database = 'db1' AND table = 'flows_local'"
                + " AND name = 'zeek_uid'", add.existsQuery());
        assertEquals("flows", AddColumn.of("ALTER TABLE db1.flows ADD COLUMN IF NOT EXISTS n UInt32").orElseThrow().table());
        assertTrue(AddColumn.of("ALTER TABLE db1.flows ADD COLUMN n UInt32").isEmpty(), "unguarded: not ours to guard");
        assertTrue(AddColumn.of("CREATE TABLE IF NOT EXISTS db1.t (x UInt8) ENGINE = Memory").isEmpty());
    }

    @Test
    void anAddedColumnRunsUnguardedWhereAnyNodeLacksItAndNotAtAllWhereEveryNodeHasIt() {
        String add = "ALTER TABLE db1.flows ADD COLUMN IF NOT EXISTS n UInt32";
        assertEquals(java.util.Optional.of("ALTER TABLE db1.flows ADD COLUMN n UInt32"),
                SchemaMigrator.toRun(add, q -> List.of(1L, 0L, 1L)));
        assertEquals(java.util.Optional.empty(), SchemaMigrator.toRun(add, q -> List.of(1L, 1L)));
        String create = "CREATE TABLE IF NOT EXISTS db1.t (x UInt8) ENGINE = Memory";
        assertEquals(java.util.Optional.of(create), SchemaMigrator.toRun(create, q -> {
            throw new AssertionError("no column to look up: " + q);
        }));
    }

    @Test
    void clusterModeAddsAColumnToTheLocalTablesAndThenToTheDistributedTableOfEachNode() {
        Migration m = Migration.of("V010__col.sql", """
                ALTER TABLE ${database}.flows ADD COLUMN IF NOT EXISTS zeek_uid String AFTER community_id;
                """);
        assertEquals(List.of(
                        "ALTER TABLE db1.flows_local ON CLUSTER c1 ADD COLUMN IF NOT EXISTS zeek_uid String AFTER community_id",
                        "ALTER TABLE db1.flows ADD COLUMN IF NOT EXISTS zeek_uid String AFTER community_id"),
                m.clusterStatements("db1", new ClusterDdl("c1")));
        assertTrue(ClusterDdl.onEachNode(m.clusterStatements("db1", new ClusterDdl("c1")).get(1)),
                "18.16 cannot ALTER a Distributed table ON CLUSTER: each node gets it on its own");
    }

    @Test
    void clusterModeRefusesWhatItCannotTranslate() {
        ClusterDdl cluster = new ClusterDdl("c1");
        assertThrows(IllegalStateException.class, () -> cluster.translate(
                List.of("ALTER TABLE ${database}.t ADD COLUMN x UInt8")));
        assertThrows(IllegalStateException.class, () -> cluster.translate(
                List.of("CREATE TABLE IF NOT EXISTS ${database}.m (tenant_id String) ENGINE = Memory")));
        assertThrows(IllegalStateException.class, () -> cluster.translate(
                List.of("CREATE TABLE IF NOT EXISTS ${database}.n (x UInt8) ENGINE = MergeTree() ORDER BY x")));
        assertThrows(IllegalStateException.class, () -> cluster.translate(List.of(
                "CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.v TO ${database}.elsewhere AS SELECT 1")));
        assertThrows(IllegalArgumentException.class, () -> new ClusterDdl("c1; DROP"));
    }

    @Test
    void everyMigrationTranslatesToClusterDdl() {
        ClusterDdl cluster = new ClusterDdl("vigil");
        for (Migration m : SchemaMigrator.load()) {
            for (String statement : m.clusterStatements("vigil", cluster)) {
                assertTrue(statement.contains(" ON CLUSTER vigil")
                        || (ClusterDdl.onEachNode(statement) && AddColumn.of(statement).isPresent()), statement);
                assertTrue(!statement.contains("ENGINE = MergeTree") && !statement.contains("ENGINE = SummingMergeTree")
                        && !statement.contains("ENGINE = AggregatingMergeTree"), "unreplicated: " + statement);
            }
        }
    }
}
