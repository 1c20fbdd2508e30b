package io.vigil.detection.bench;

import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.lib.clickhouse.ClickHouseRow;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The real ClickHouse queries, also remembering each SELECT (and its settings) while recording, so the benchmark can
 * count what a cycle asked ClickHouse and send exactly that again, raw. Selected only by {@link BenchProfile}; a
 * singleton, since the library class has no no-args constructor for a client proxy.
 */
@Alternative
@Singleton
public class RecordingQueries extends ClickHouseQueries {

    /** One SELECT as sent: its SQL and its server settings. */
    public record Recorded(String sql, Map<String, String> settings) {
    }

    private final ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();
    private volatile boolean recording;

    public RecordingQueries(ClickHouseEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    public <T> List<T> select(String sql, Map<String, String> settings, Function<ClickHouseRow, T> mapper) {
        record(sql, settings);
        return super.select(sql, settings, mapper);
    }

    @Override
    public void forEach(String sql, Map<String, String> settings, Consumer<ClickHouseRow> each) {
        record(sql, settings);
        super.forEach(sql, settings, each);
    }

    @Override
    public <T> List<T> selectOnEach(String sql, Map<String, String> settings, Function<ClickHouseRow, T> mapper) {
        record(sql, settings);
        return super.selectOnEach(sql, settings, mapper);
    }

    private void record(String sql, Map<String, String> settings) {
        if (recording) {
            recorded.add(new Recorded(sql, settings));
        }
    }

    /** Starts recording from an empty list. */
    public void start() {
        recorded.clear();
        recording = true;
    }

    /** Stops recording and returns the SELECTs run since {@link #start()}, in order. */
    public List<Recorded> stop() {
        recording = false;
        return new ArrayList<>(recorded);
    }
}
