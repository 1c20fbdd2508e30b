package io.vigil.detection.bench;

import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseRow;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The real ClickHouse queries, also remembering each SELECT's SQL while recording, so the benchmark can replay exactly
 * what a cycle asked ClickHouse (whatever FlowReader builds today) as its raw reference. Selected only by {@link BenchProfile};
 * a singleton, since the library class has no no-args constructor for a client proxy.
 */
@Alternative
@Singleton
public class RecordingQueries extends ClickHouseQueries {

    private final ConcurrentLinkedQueue<String> recorded = new ConcurrentLinkedQueue<>();
    private volatile boolean recording;

    public RecordingQueries(ClickHouseEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    public <T> List<T> select(String sql, Function<ClickHouseRow, T> mapper) {
        if (recording) {
            recorded.add(sql);
        }
        return super.select(sql, mapper);
    }

    /** Starts recording from an empty list. */
    public void start() {
        recorded.clear();
        recording = true;
    }

    /** Stops recording and returns the SELECTs run since {@link #start()}, in order. */
    public List<String> stop() {
        recording = false;
        return new ArrayList<>(recorded);
    }
}
