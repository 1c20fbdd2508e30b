package io.vigil.ingest.clickhouse;

import com.clickhouse.client.api.command.CommandSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseUnavailableException;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Owns the ClickHouse schema: applies the versioned migrations under clickhouse/migrations in order, records
 * them in schema_migrations, skips those already applied, and refuses to run over an edited one. Every
 * statement is idempotent (IF NOT EXISTS), so two replicas starting together do no harm; an added column's IF NOT
 * EXISTS, which 18.16 cannot parse, is checked here instead ({@link AddColumn}). With
 * vigil.clickhouse.cluster set, the same files are applied ON CLUSTER through {@link ClusterDdl}.
 */
@ApplicationScoped
public class SchemaMigrator {

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);
    private static final String DIR = "clickhouse/migrations/";
    private static final String MIGRATIONS_COLUMNS =
            "(version UInt32, name String, checksum String, applied_at DateTime)";

    private final ClickHouseQueries queries;
    private final ClickHouseConfig config;
    private final Optional<ClusterDdl> cluster;
    private volatile boolean ready;
    private volatile String lastError = "not started";
    private volatile Thread retryThread;

    public SchemaMigrator(ClickHouseQueries queries, ClickHouseConfig config) {
        this.queries = queries;
        this.config = config;
        this.cluster = config.cluster().map(ClusterDdl::new);
    }

    /** Migrates at start-up; while ClickHouse is unreachable it keeps trying in the background (readiness stays down). */
    void onStart(@Observes StartupEvent event) {
        if (tryMigrate()) {
            return;
        }
        Thread t = new Thread(() -> {
            while (!ready && !Thread.currentThread().isInterrupted()) {
                try {
                    TimeUnit.SECONDS.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                tryMigrate();
            }
        }, "clickhouse-migrator");
        t.setDaemon(true);
        retryThread = t;
        t.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        Thread t = retryThread;
        if (t != null) {
            t.interrupt();
        }
    }

    public boolean isReady() {
        return ready;
    }

    public String lastError() {
        return lastError;
    }

    private boolean tryMigrate() {
        try {
            migrate();
            return true;
        } catch (ClickHouseUnavailableException e) {
            lastError = e.getMessage();
            LOG.warnf("ClickHouse schema: cannot migrate yet (%s); retrying in 5 s", e.getMessage());
            return false;
        }
    }

    /** Applies what is missing and returns the versions it applied. */
    public synchronized List<Integer> migrate() {
        String db = config.database();
        String onCluster = cluster.map(ClusterDdl::onCluster).orElse("");
        ddl("CREATE DATABASE IF NOT EXISTS " + db + onCluster, "default");
        ddl(cluster.map(c -> c.migrationsTable(db, MIGRATIONS_COLUMNS)).orElse("CREATE TABLE IF NOT EXISTS " + db
                + ".schema_migrations " + MIGRATIONS_COLUMNS + " ENGINE = ReplacingMergeTree() ORDER BY version"), db);
        Map<Integer, String> applied = new HashMap<>();
        queries.select("SELECT version, any(checksum) AS checksum FROM " + db + ".schema_migrations GROUP BY version",
                r -> applied.put(r.getInteger("version"), r.getString("checksum")));

        List<Integer> done = new ArrayList<>();
        int skipped = 0;
        for (Migration m : load()) {
            String recorded = applied.get(m.version());
            if (recorded != null) {
                if (!recorded.equals(m.checksum())) {
                    throw new IllegalStateException(String.format(
                            "ClickHouse migration V%03d__%s was applied with checksum %s but the file now has %s;"
                                    + " never edit an applied migration, add a new one",
                            m.version(), m.name(), recorded, m.checksum()));
                }
                skipped++;
                continue;
            }
            List<String> statements = cluster.map(c -> m.clusterStatements(db, c)).orElseGet(() -> m.statements(db));
            for (String statement : statements) {
                if (cluster.isPresent() && ClusterDdl.onEachNode(statement)) {
                    for (int node = 0; node < queries.servers(); node++) {
                        ddlOn(node, statement, db);
                    }
                } else {
                    ddl(statement, db);
                }
            }
            queries.execute(String.format("INSERT INTO %s.schema_migrations VALUES (%d, %s, %s, now())",
                    db, m.version(), Sql.quote(m.name()), Sql.quote(m.checksum())));
            LOG.infof("ClickHouse schema: applied V%03d__%s (%d statements)", m.version(), m.name(), statements.size());
            done.add(m.version());
        }
        LOG.infof("ClickHouse schema: database %s is current%s (applied %d, already there %d)", db,
                cluster.map(c -> " on cluster " + config.cluster().orElseThrow()).orElse(""), done.size(), skipped);
        ready = true;
        lastError = null;
        return done;
    }

    /**
     * Runs one DDL statement. ON CLUSTER, the node we talk to queues it in ZooKeeper and waits for every node to run
     * it; wait_end_of_query makes a failure on any node an HTTP error rather than text after a 200, and the DDL
     * timeout ends the wait (a node is down) before the client gives up, so the migrator retries it later.
     */
    private void ddl(String statement, String database) {
        // Every node we can reach must have an added column (a Distributed table is one per node); else add it.
        Optional<String> toRun = toRun(statement, q -> queries.selectOnEach(q, r -> r.getLong("n")));
        if (toRun.isEmpty()) {
            return;
        }
        String sql = toRun.get();
        CommandSettings settings = (CommandSettings) new CommandSettings().setDatabase(database);
        if (cluster.isPresent()) {
            settings.serverSetting("wait_end_of_query", "1");
            settings.serverSetting("distributed_ddl_task_timeout", "50");
        }
        try {
            queries.execute(sql, settings);
        } catch (ClickHouseUnavailableException e) {
            throw new ClickHouseUnavailableException("cannot run " + sql.lines().findFirst().orElse(sql) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs one statement on one node only (an added column of a Distributed table): every node of the cluster must be
     * listed in vigil.clickhouse.url and up, or the migration fails and is retried.
     */
    private void ddlOn(int node, String statement, String database) {
        try {
            toRun(statement, q -> queries.selectOn(node, q, r -> r.getLong("n"))).ifPresent(sql ->
                    queries.executeOn(node, sql, (CommandSettings) new CommandSettings().setDatabase(database)));
        } catch (ClickHouseUnavailableException e) {
            throw new ClickHouseUnavailableException("cannot run on node " + (node + 1) + " of vigil.clickhouse.url "
                    + statement.lines().findFirst().orElse(statement) + ": " + e.getMessage(), e);
        }
    }

    /**
     * What to run for a migration statement: the statement itself; for an added column ({@link AddColumn}), its
     * form without IF NOT EXISTS, or nothing when every count of the column {@code counts} returns is non-zero.
     */
    static Optional<String> toRun(String statement, Function<String, List<Long>> counts) {
        Optional<AddColumn> add = AddColumn.of(statement);
        if (add.isEmpty()) {
            return Optional.of(statement);
        }
        return counts.apply(add.get().existsQuery()).contains(0L) ? Optional.of(add.get().unguarded()) : Optional.empty();
    }

    /** The migrations listed in clickhouse/migrations/INDEX, in order. */
    public static List<Migration> load() {
        List<Migration> migrations = new ArrayList<>();
        for (String line : resource(DIR + "INDEX").split("\n")) {
            String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            Migration m = Migration.of(file, resource(DIR + file));
            if (!migrations.isEmpty() && migrations.get(migrations.size() - 1).version() >= m.version()) {
                throw new IllegalStateException("clickhouse/migrations/INDEX is out of order at " + file);
            }
            migrations.add(m);
        }
        return migrations;
    }

    private static String resource(String path) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
