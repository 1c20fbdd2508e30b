package io.vigil.ingest.export.repository;

import com.clickhouse.client.api.Client;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vigil.ingest.clickhouse.BatchingInserter.Pending;
import io.vigil.ingest.clickhouse.BatchingInserter;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.export.service.FlowRowEncoder;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** All of ingest's SQL on flows: batched inserts, the per-sensor stored high-water mark, and the retry check. */
@ApplicationScoped
public class FlowRepository {

    /** Identifies one sensor batch inside an INSERT, for the retry check. */
    public record BatchKey(String tenantId, String sensorId, long sequence) {
    }

    private final ClickHouseQueries queries;
    private final String db;
    private final BatchingInserter inserter;

    public FlowRepository(Client client, ClickHouseQueries queries, ClickHouseConfig clickhouse, IngestConfig config,
                          MeterRegistry registry) {
        this.queries = queries;
        this.db = clickhouse.database();
        this.inserter = new BatchingInserter(client, db + ".flows", FlowRowEncoder.COLUMNS, config.insertLanes(),
                config.insertMaxRows(), config.insertLinger(), this::unstored, registry);
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

    /** The highest batch sequence stored for this sensor, 0 if none. */
    public long storedHighWater(SensorIdentity sensor) {
        List<Long> max = queries.select("SELECT maxMerge(max_seq) AS seq FROM " + db + ".sensor_batches"
                        + " WHERE tenant_id = " + Sql.quote(sensor.tenantId())
                        + " AND sensor_id = " + Sql.quote(sensor.sensorId()),
                r -> r.getBigInteger("seq").longValue());
        return max.isEmpty() ? 0 : max.get(0);
    }

    /** Of a failed INSERT's batches, those ClickHouse did not store; the rest were stored before the failure. */
    List<Pending> unstored(List<Pending> group) {
        long from = group.stream().mapToLong(Pending::receivedAtSeconds).min().orElseThrow();
        long to = group.stream().mapToLong(Pending::receivedAtSeconds).max().orElseThrow();
        String keys = group.stream().map(p -> (BatchKey) p.key())
                .map(k -> "(" + Sql.quote(k.tenantId()) + ", " + Sql.quote(k.sensorId()) + ", " + k.sequence() + ")")
                .collect(Collectors.joining(", "));
        Set<BatchKey> stored = new HashSet<>(queries.select("SELECT tenant_id, sensor_id, batch_seq FROM " + db + ".flows"
                        + " WHERE received_at >= toDateTime(" + from + ") AND received_at <= toDateTime(" + to + ")"
                        + " AND (tenant_id, sensor_id, batch_seq) IN (" + keys + ")"
                        + " GROUP BY tenant_id, sensor_id, batch_seq",
                r -> new BatchKey(r.getString("tenant_id"), r.getString("sensor_id"),
                        r.getBigInteger("batch_seq").longValue())));
        return group.stream().filter(p -> !stored.contains((BatchKey) p.key())).toList();
    }
}
