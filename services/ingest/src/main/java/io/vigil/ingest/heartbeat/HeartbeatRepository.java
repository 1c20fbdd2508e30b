package io.vigil.ingest.heartbeat;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vigil.ingest.clickhouse.BatchingInserter;
import io.vigil.ingest.clickhouse.RowBinaryBuffer;
import io.vigil.ingest.export.repository.FlowRepository;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import io.vigil.proto.ingest.v1.InterfaceStatus;
import io.vigil.proto.ingest.v1.SensorStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Stores sensor heartbeats, batched like flows: tens of thousands of sensors must not mean thousands of INSERTs a second. */
@ApplicationScoped
public class HeartbeatRepository {

    static final List<String> COLUMNS = List.of("tenant_id", "sensor_id", "received_at", "version", "interface_names",
            "interface_received", "interface_dropped", "packets_seen", "packets_dropped", "packets_undecodable",
            "spool_batches", "spool_bytes", "spool_dropped_batches", "active_flows", "uptime_seconds");

    private final BatchingInserter inserter;

    public HeartbeatRepository(ClickHouseEndpoints endpoints, ClickHouseConfig clickhouse, MeterRegistry registry) {
        // A duplicate status row after a retry is harmless, so a failed INSERT is simply sent again whole.
        this.inserter = new BatchingInserter(endpoints, clickhouse.database() + ".sensor_status", COLUMNS,
                clickhouse.cluster().isPresent() ? FlowRepository.CLUSTER_INSERT : Map.of(), 1, 10_000,
                Duration.ofSeconds(1), group -> group, registry);
    }

    void onStop(@Observes ShutdownEvent event) {
        inserter.close();
    }

    public CompletableFuture<Void> store(SensorIdentity sensor, SensorStatus s, long receivedAtSeconds) {
        RowBinaryBuffer out = new RowBinaryBuffer(256);
        out.string(sensor.tenantId()).string(sensor.sensorId()).u32(receivedAtSeconds).string(s.getVersion());
        List<InterfaceStatus> ifs = s.getInterfacesList();
        out.varint(ifs.size());
        ifs.forEach(i -> out.string(i.getName()));
        out.varint(ifs.size());
        ifs.forEach(i -> out.u64(i.getPacketsReceived()));
        out.varint(ifs.size());
        ifs.forEach(i -> out.u64(i.getPacketsDropped()));
        out.u64(s.getPacketsSeen()).u64(s.getPacketsDropped()).u64(s.getPacketsUndecodable())
                .u64(s.getSpoolBatches()).u64(s.getSpoolBytes()).u64(s.getSpoolDroppedBatches())
                .u64(s.getActiveFlows()).u64(s.getUptimeSeconds());
        return inserter.submit(sensor.key(), out.array(), out.size(), 1, receivedAtSeconds, sensor.key());
    }
}
