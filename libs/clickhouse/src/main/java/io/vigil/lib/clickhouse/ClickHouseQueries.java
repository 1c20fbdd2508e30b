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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs SELECTs the way ClickHouse 18.16 can answer them: it has no RowBinaryWithNamesAndTypes, so every query
 * ends in FORMAT Native, read by {@link NativeFormat}.
 */
@ApplicationScoped
public class ClickHouseQueries {

    private static final QuerySettings NATIVE = new QuerySettings().setFormat(ClickHouseFormat.Native);

    private final ClickHouseEndpoints endpoints;

    public ClickHouseQueries(ClickHouseEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** Runs {@code sql} (without a FORMAT clause) and maps each row; on the next server if one fails. */
    public <T> List<T> select(String sql, Function<ClickHouseRow, T> mapper) {
        return endpoints.withFailover(client -> select(client, sql, mapper));
    }

    /**
     * Runs {@code sql} on every configured server that can be reached and returns all their rows, for reads that
     * must see each replica of a cluster (a Distributed table reads only one per shard). Fails if none answers, or
     * if one answers with an error.
     */
    public <T> List<T> selectOnEach(String sql, Function<ClickHouseRow, T> mapper) {
        List<T> rows = new ArrayList<>();
        ClickHouseUnavailableException unreachable = null;
        int answered = 0;
        for (Client client : endpoints.all()) {
            try {
                rows.addAll(select(client, sql, mapper));
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

    private static <T> List<T> select(Client client, String sql, Function<ClickHouseRow, T> mapper) {
        try (QueryResponse response = client.query(sql + " FORMAT Native", NATIVE).get(60, TimeUnit.SECONDS)) {
            List<T> rows = new ArrayList<>();
            for (ClickHouseRow row : NativeFormat.read(new BufferedInputStream(response.getInputStream(), 1 << 16))) {
                rows.add(mapper.apply(row));
            }
            return rows;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseUnavailableException("interrupted while querying ClickHouse", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ClickHouseUnavailableException("ClickHouse query failed: " + rootMessage(e), e);
        } catch (Exception e) {
            throw new ClickHouseUnavailableException("ClickHouse query failed: " + rootMessage(e), e);
        }
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
