package io.vigil.lib.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One statement on a ClickHouse server over its HTTP interface, as test fixtures and checks send them (the server's
 * default user: the stack's admin for people, scripts and tests).
 */
public final class ClickHouseHttp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ClickHouseHttp() {
    }

    /**
     * POSTs {@code sql} to {@code endpoint} (the server's URL, with {@code /?database=…} or other settings when needed)
     * and returns its text answer, trimmed; fails with the server's message and the statement on any other status.
     */
    public static String query(String endpoint, String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("ClickHouse: HTTP " + r.statusCode() + " " + r.body() + " for "
                    + sql.substring(0, Math.min(200, sql.length())));
        }
        return r.body().trim();
    }
}
