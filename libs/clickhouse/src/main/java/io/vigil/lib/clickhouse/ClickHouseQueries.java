package io.vigil.lib.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.BufferedInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs SELECTs the way ClickHouse 18.16 can answer them: it has no RowBinaryWithNamesAndTypes, so every query
 * ends in FORMAT Native, read by {@link NativeFormat}.
 */
@ApplicationScoped
public class ClickHouseQueries {

    private final ClickHouseEndpoints endpoints;

    public ClickHouseQueries(ClickHouseEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** Runs {@code sql} (without a FORMAT clause) and maps each row; on the next server if one fails. */
    public <T> List<T> select(String sql, Function<ClickHouseRow, T> mapper) {
        return select(sql, Map.of(), mapper);
    }

    /**
     * {@link #select(String, Function)} with server settings for this query only (say {@code max_query_size} for a
     * query that carries many literals, or {@code distributed_product_mode}).
     */
    public <T> List<T> select(String sql, Map<String, String> settings, Function<ClickHouseRow, T> mapper) {
        return endpoints.withFailover(client -> {
            List<T> rows = new ArrayList<>();
            run(client, sql, settings, row -> rows.add(mapper.apply(row)));
            return rows;
        });
    }

    /**
     * Hands each row of {@code sql} to {@code each} as the answer arrives, holding one block at a time: for answers
     * too large to collect. Tried on the next server only while no row has been handed over, so {@code each} never
     * sees a row twice; a failure after that is thrown.
     */
    public void forEach(String sql, Map<String, String> settings, Consumer<ClickHouseRow> each) {
        boolean[] started = {false};
        Consumer<ClickHouseRow> once = row -> {
            started[0] = true;
            each.accept(row);
        };
        ClickHouseUnavailableException last = null;
        for (int attempt = 0; attempt < endpoints.all().size(); attempt++) {
            Client client = endpoints.current();
            try {
                run(client, sql, settings, once);
                return;
            } catch (ClickHouseUnavailableException e) {
                if (started[0] || ClickHouseEndpoints.answeredByServer(e)) {
                    throw e;
                }
                last = e;
                endpoints.failed(client);
            }
        }
        throw last;
    }

    /**
     * Runs {@code sql} on every configured server that can be reached and returns all their rows, for reads that
     * must see each replica of a cluster (a Distributed table reads only one per shard). Fails if none answers, or
     * if one answers with an error.
     */
    public <T> List<T> selectOnEach(String sql, Function<ClickHouseRow, T> mapper) {
        return selectOnEach(sql, Map.of(), mapper);
    }

    /** {@link #selectOnEach(String, Function)} with server settings for this query only. */
    public <T> List<T> selectOnEach(String sql, Map<String, String> settings, Function<ClickHouseRow, T> mapper) {
        List<T> rows = new ArrayList<>();
        ClickHouseUnavailableException unreachable = null;
        int answered = 0;
        for (Client client : endpoints.all()) {
            List<T> mine = new ArrayList<>();
            try {
                run(client, sql, settings, row -> mine.add(mapper.apply(row)));
                rows.addAll(mine);
                answered++;
            } catch (ClickHouseUnavailableException e) {
                if (ClickHouseEndpoints.answeredByServer(e)) {
                    throw e;
                }
                unreachable = e;
            }
        }
        if (answered == 0) {
            throw unreachable;
        }
        return rows;
    }

    private static void run(Client client, String sql, Map<String, String> settings, Consumer<ClickHouseRow> each) {
        QuerySettings query = new QuerySettings().setFormat(ClickHouseFormat.Native);
        settings.forEach(query::serverSetting);
        try (QueryResponse response = client.query(sql + " FORMAT Native", query).get(60, TimeUnit.SECONDS)) {
            NativeFormat.forEach(new BufferedInputStream(response.getInputStream(), 1 << 16), each);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("interrupted while querying ClickHouse", e);
        } catch (ClickHouseUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new ClickHouseUnavailableException("ClickHouse query failed: " + rootMessage(e), e);
        }
    }

    /** How many servers vigil.clickhouse.url lists: the {@code server} numbers of {@link #selectOn} and {@link #executeOn}. */
    public int servers() {
        return endpoints.all().size();
    }

    /** Runs {@code sql} on the {@code server}th configured server only (no failover), for DDL done node by node. */
    public <T> List<T> selectOn(int server, String sql, Function<ClickHouseRow, T> mapper) {
        List<T> rows = new ArrayList<>();
        run(endpoints.all().get(server), sql, Map.of(), row -> rows.add(mapper.apply(row)));
        return rows;
    }

    /** Runs a statement that returns no rows on the {@code server}th configured server only (no failover). */
    public void executeOn(int server, String sql, CommandSettings settings) {
        execute(endpoints.all().get(server), sql, settings);
    }

    /** Runs a statement that returns no rows (DDL); on the next server if one fails. */
    public void execute(String sql) {
        execute(sql, new CommandSettings());
    }

    /** Runs a statement that returns no rows with these settings (server settings, database). */
    public void execute(String sql, CommandSettings settings) {
        endpoints.withFailover(client -> {
            execute(client, sql, settings);
            return null;
        });
    }

    private static void execute(Client client, String sql, CommandSettings settings) {
        try {
            client.execute(sql, settings).get(60, TimeUnit.SECONDS).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("interrupted while running a ClickHouse statement", e);
        } catch (Exception e) {
            throw new ClickHouseUnavailableException("ClickHouse statement failed: " + rootMessage(e), e);
        }
    }

    /** The innermost cause's first line, for log and status messages. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
