package io.vigil.ingest.export.repository;

import io.vigil.lib.clickhouse.ClickHouseRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vigil.ingest.clickhouse.BatchingInserter.Pending;
import io.vigil.ingest.clickhouse.BatchingInserter;
import io.vigil.ingest.clickhouse.ClusterDdl;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.export.service.FlowRowEncoder;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * All of ingest's SQL on flows: batched inserts, the per-sensor stored high-water mark, and the retry check. On a
 * cluster, inserts go through the Distributed table synchronously, and the mark and the retry check also read the
 * local tables of every node that answers (vigil.clickhouse.url lists them all), so a replica that has not fetched
 * the newest part yet cannot make a stored batch look unstored (DESIGN.md).
 */
@ApplicationScoped
public class FlowRepository {

    /** Identifies one sensor batch inside an INSERT, for the retry check. */
    public record BatchKey(String tenantId, String sensorId, long sequence) {
    }

    /**
     * A Distributed INSERT is stored in the shards before it returns, not queued on the node that took it: the Ack
     * must mean stored, and the retry check must be able to see it.
     */
    public static final Map<String, String> CLUSTER_INSERT = Map.of("insert_distributed_sync", "1");
    private static final Function<ClickHouseRow, Long> SEQ = r -> r.getBigInteger("seq").longValue();

    private final ClickHouseQueries queries;
    private final String db;
    private final Optional<String> cluster;
    private final BatchingInserter inserter;

    public FlowRepository(ClickHouseEndpoints endpoints, ClickHouseQueries queries, ClickHouseConfig clickhouse,
                          IngestConfig config, MeterRegistry registry) {
        this.queries = queries;
        this.db = clickhouse.database();
        this.cluster = clickhouse.cluster();
        this.inserter = new BatchingInserter(endpoints, db + ".flows", FlowRowEncoder.COLUMNS,
                cluster.isPresent() ? CLUSTER_INSERT : Map.of(), config.insertLanes(), config.insertMaxRows(),
                config.insertLinger(), this::unstored, registry);
    }

    void onStop(@Observes ShutdownEvent event) {
        inserter.close();
    }

    /** Queues one batch's encoded rows; completes once they are stored. */
    public CompletableFuture<Void> store(SensorIdentity sensor, long sequence, byte[] rows, int length, int rowCount,
                                         long receivedAtSeconds) {
        return inserter.submit(sensor.key(), rows, length, rowCount, receivedAtSeconds,
                new BatchKey(sensor.tenantId(), sensor.sensorId(), sequence));
    }

    public long queuedRows() {
        return inserter.queuedRows();
    }

    /**
     * The highest batch sequence stored for this sensor, 0 if none. On a cluster: the Distributed table fails unless
     * each shard has a replica up (a shard with none must not read as "nothing stored"), and the highest mark of every
     * node that answers covers a replica that lags behind the one that took the INSERT. (18.16 has no
     * clusterAllReplicas, and its remote() fails rather than skipping a stopped replica.)
     */
    public long storedHighWater(SensorIdentity sensor) {
        String where = " WHERE tenant_id = " + Sql.quote(sensor.tenantId())
                + " AND sensor_id = " + Sql.quote(sensor.sensorId());
        long mark = max(queries.select("SELECT maxMerge(max_seq) AS seq FROM " + db + ".sensor_batches" + where, SEQ));
        if (cluster.isPresent()) {
            mark = Math.max(mark, max(queries.selectOnEach("SELECT maxMerge(max_seq) AS seq FROM " + db
                    + ".sensor_batches" + ClusterDdl.LOCAL + where, SEQ)));
        }
        return mark;
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * Of a failed INSERT's batches, those ClickHouse did not store; the rest were stored before the failure. On a
     * cluster a replica that is down may hold one that looks unstored here: its retry is the same block for that
     * shard, which ReplicatedMergeTree's block deduplication drops (DESIGN.md).
     */
    List<Pending> unstored(List<Pending> group) {
        long from = group.stream().mapToLong(Pending::receivedAtSeconds).min().orElseThrow();
        long to = group.stream().mapToLong(Pending::receivedAtSeconds).max().orElseThrow();
        String keys = group.stream().map(p -> (BatchKey) p.key())
                .map(k -> "(" + Sql.quote(k.tenantId()) + ", " + Sql.quote(k.sensorId()) + ", " + k.sequence() + ")")
                .collect(Collectors.joining(", "));
        String sql = "SELECT tenant_id, sensor_id, batch_seq FROM " + db + ".flows" + (cluster.isPresent() ? ClusterDdl.LOCAL : "")
                + " WHERE received_at >= toDateTime(" + from + ") AND received_at <= toDateTime(" + to + ")"
                + " AND (tenant_id, sensor_id, batch_seq) IN (" + keys + ")"
                + " GROUP BY tenant_id, sensor_id, batch_seq";
        Function<ClickHouseRow, BatchKey> key = r -> new BatchKey(r.getString("tenant_id"),
                r.getString("sensor_id"), r.getBigInteger("batch_seq").longValue());
        Set<BatchKey> stored = new HashSet<>(cluster.isPresent() ? queries.selectOnEach(sql, key) : queries.select(sql, key));
        return group.stream().filter(p -> !stored.contains((BatchKey) p.key())).toList();
    }
}
