package io.vigil.ingest.retention.repository;

import com.clickhouse.client.api.command.CommandSettings;
import io.vigil.ingest.clickhouse.ClusterDdl;
import io.vigil.ingest.retention.RetentionTable;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All of the retention job's SQL, in the subset ClickHouse 18.16 runs (it has no TTL and no mutations_sync).
 * On one server, statements go to the tables themselves. On a cluster the rows live in the replicated
 * {@code <table>_local} tables: 18.16 refuses mutations on a Distributed table ("Mutations are not supported by storage
 * Distributed"), so DROP PARTITION and DELETE run {@code ON CLUSTER} on the local tables, where each shard's replicas
 * share them through ZooKeeper; counts read the Distributed tables, and system tables are read on every node.
 */
@ApplicationScoped
public class RetentionRepository {

    /** One partition of a table: its id, its newest partition-column value (epoch seconds) and its rows. */
    public record Partition(String id, long newest, long rows) {
    }

    private final ClickHouseQueries queries;
    private final String db;
    private final Optional<ClusterDdl> cluster;

    public RetentionRepository(ClickHouseQueries queries, ClickHouseConfig config) {
        this.queries = queries;
        this.db = config.database();
        this.cluster = config.cluster().map(ClusterDdl::new);
    }

    /** The table the rows are in: the table itself, or on a cluster its local tables. */
    private String storage(RetentionTable table) {
        return table.name() + (cluster.isPresent() ? ClusterDdl.LOCAL : "");
    }

    /**
     * The active partitions of a table, with the newest partition-column value of any of their parts (on a cluster,
     * over every node that answers, and rows summed over the replicas read).
     */
    public List<Partition> partitions(RetentionTable table) {
        String sql = "SELECT partition_id, toUInt32(max(max_time)) AS newest, sum(rows) AS n FROM system.parts"
                + " WHERE database = " + Sql.quote(db) + " AND table = " + Sql.quote(storage(table)) + " AND active"
                + " GROUP BY partition_id";
        List<Partition> rows = cluster.isPresent()
                ? queries.selectOnEach(sql, RetentionRepository::partition) : queries.select(sql, RetentionRepository::partition);
        Map<String, Partition> merged = new TreeMap<>();
        rows.forEach(p -> merged.merge(p.id(), p, (a, b) -> new Partition(a.id(), Math.max(a.newest(), b.newest()),
                a.rows() + b.rows())));
        return List.copyOf(merged.values());
    }

    private static Partition partition(io.vigil.lib.clickhouse.ClickHouseRow r) {
        return new Partition(r.getString("partition_id"), r.getLong("newest"), r.getLong("n"));
    }

    public void dropPartition(RetentionTable table, String partitionId) {
        if (!partitionId.matches("[0-9A-Za-z_-]{1,64}")) {
            throw new IllegalArgumentException("not a partition id: " + partitionId);
        }
        ddl("ALTER TABLE " + db + "." + storage(table) + onCluster() + " DROP PARTITION ID " + Sql.quote(partitionId));
    }

    /** Rows matching {@code where} per tenant (tenants without any are absent), through the Distributed table on a cluster. */
    public Map<String, Long> countByTenant(RetentionTable table, String where) {
        Map<String, Long> counts = new TreeMap<>();
        queries.select("SELECT tenant_id, count() AS n FROM " + db + "." + table.name() + " WHERE " + where
                        + " GROUP BY tenant_id", Map.of("max_query_size", "1048576"),
                r -> counts.put(r.getString("tenant_id"), r.getLong("n")));
        return counts;
    }

    /** Queues {@code ALTER TABLE ... DELETE WHERE}: ClickHouse rewrites the parts in the background. */
    public void delete(RetentionTable table, String where) {
        ddl("ALTER TABLE " + db + "." + storage(table) + onCluster() + " DELETE WHERE " + where);
    }

    /** Unfinished mutations of a table (on a cluster, the most any node reports). */
    public long pendingMutations(RetentionTable table) {
        String sql = "SELECT count() AS n FROM system.mutations WHERE database = " + Sql.quote(db)
                + " AND table = " + Sql.quote(storage(table)) + " AND is_done = 0";
        List<Long> counts = cluster.isPresent()
                ? queries.selectOnEach(sql, r -> r.getLong("n"))
                : queries.select(sql, r -> r.getLong("n"));
        return counts.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private String onCluster() {
        return cluster.map(ClusterDdl::onCluster).orElse("");
    }

    private void ddl(String sql) {
        CommandSettings settings = (CommandSettings) new CommandSettings().setDatabase(db);
        settings.serverSetting("max_query_size", "1048576");
        if (cluster.isPresent()) {
            // As the migrator's DDL: a failure on any node is an HTTP error, and a down node ends the wait in time.
            settings.serverSetting("wait_end_of_query", "1");
            settings.serverSetting("distributed_ddl_task_timeout", "50");
        }
        queries.execute(sql, settings);
    }
}
