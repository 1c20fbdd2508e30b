package io.vigil.tenants.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.lib.testing.Api;
import io.vigil.lib.testing.Tokens;
import io.vigil.lib.api.id.Ids;
import io.vigil.tenants.sensor.keycloak.KeycloakAdminApi;
import io.vigil.tenants.sensor.keycloak.SensorClients;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * p50/p99 latency under concurrent clients of the customer list and of a sensor enrollment (token create + redeem),
 * each next to a same-run reference doing the equivalent raw work: the same SELECT through plain JDBC on PostgreSQL,
 * and the same Keycloak admin calls that create a sensor's client, without the tenants API around them.
 * Sizes: -Dbench.clients (16), -Dbench.list-requests (6000), -Dbench.enrollments (160).
 */
@QuarkusTest
@Tag("bench")
class TenantsBenchmark {

    private static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    private static final int LIST_REQUESTS = Integer.getInteger("bench.list-requests", 6000);
    private static final int ENROLLMENTS = Integer.getInteger("bench.enrollments", 160);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Hibernate sends for an msp-admin's first page (scope msp_id = ?, 50 + 1 rows to know if a next page exists). */
    private static final String LIST_SQL = "SELECT id, created_at, internal_networks, msp_id, name, notification_contacts,"
            + " retention_days, status, time_zone, updated_at FROM tenants.customers WHERE msp_id = ? ORDER BY id LIMIT 51";

    @TestHTTPResource("/")
    URL base;

    @Inject
    SensorClients sensorClients;

    @Inject
    @RestClient
    KeycloakAdminApi keycloak;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One measured operation; returns normally on success. */
    interface Op {
        void run(int i) throws Exception;
    }

    /** Latencies (ns, sorted) of {@code total} operations spread over {@code clients} threads, and the wall time. */
    record Run(long[] sortedNanos, long wallNanos, int errors) {
        double p(double q) {
            return sortedNanos[Math.max(0, (int) Math.ceil(q * sortedNanos.length) - 1)] / 1e6;
        }

        double perSecond() {
            return sortedNanos.length / (wallNanos / 1e9);
        }
    }

    @Test
    void customerListAndEnrollmentUnderConcurrentLoad() throws Exception {
        System.out.println("bench: load average before " + Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        String token = Tokens.user("msp-a-admin");
        URI list = base.toURI().resolve("/api/v1/customers?limit=50");
        Op api = i -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(list).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !r.body().contains("\"items\"")) {
                throw new IllegalStateException("list answered " + r.statusCode());
            }
        };
        List<Connection> connections = new ArrayList<>();
        BlockingQueue<PreparedStatement> statements = new ArrayBlockingQueue<>(CLIENTS * 2);
        for (int c = 0; c < CLIENTS * 2; c++) {
            Connection connection = DriverManager.getConnection(config("quarkus.datasource.jdbc.url"), config("vigil.pg.user"),
                    config("vigil.pg.password"));
            connections.add(connection);
            statements.add(connection.prepareStatement(LIST_SQL));
        }
        Op jdbc = i -> {
            PreparedStatement st = statements.take();
            int rows = 0;
            try {
                st.setString(1, "msp-a");
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                        rs.getTimestamp(2);
                        rs.getArray(3).getArray();
                        rs.getString(4);
                        rs.getString(5);
                        rs.getArray(6).getArray();
                        rs.getInt(7);
                        rs.getString(8);
                        rs.getString(9);
                        rs.getTimestamp(10);
                        rows++;
                    }
                }
            } finally {
                statements.add(st);
            }
            if (rows == 0) {
                throw new IllegalStateException("no rows");
            }
        };
        try {
            for (int clients : new int[]{CLIENTS, CLIENTS * 2}) {
                run(clients, LIST_REQUESTS / 2, api);
                run(clients, LIST_REQUESTS / 2, jdbc);
                Run tenants = run(clients, LIST_REQUESTS, api);
                Run reference = run(clients, LIST_REQUESTS, jdbc);
                report("customer_list.c" + clients, tenants, reference, "jdbc-select");
                System.out.println("bench: load average " + Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
            }
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }

        String customer = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Bench"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        URI sensors = base.toURI().resolve("/api/v1/customers/" + customer + "/sensors");
        URI enroll = base.toURI().resolve("/api/v1/sensors/enroll");
        Op enrollment = i -> {
            HttpResponse<String> issued = http.send(HttpRequest.newBuilder(sensors).header("Authorization", "Bearer " + Tokens.user("msp-a-admin"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (issued.statusCode() != 201) {
                throw new IllegalStateException("sensor create answered " + issued.statusCode() + " " + issued.body());
            }
            JsonNode body = JSON.readTree(issued.body());
            created.add(body.path("sensor").path("id").asText());
            HttpResponse<String> redeemed = http.send(HttpRequest.newBuilder(enroll).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + body.path("enrollmentToken").asText() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (redeemed.statusCode() != 200) {
                throw new IllegalStateException("enroll answered " + redeemed.statusCode() + " " + redeemed.body());
            }
        };
        Op keycloakOnly = i -> {
            String id = Ids.newId("bench-kc");
            created.add(id);
            sensorClients.create(id, Ids.secret(""), "msp-a", customer).await().atMost(Duration.ofSeconds(60));
        };
        try {
            run(CLIENTS, CLIENTS, enrollment);
            run(CLIENTS, CLIENTS, keycloakOnly);
            // One client at a time first: the latency an enrollment has without queueing behind others.
            Run serial = run(1, 20, enrollment);
            Run serialReference = run(1, 20, keycloakOnly);
            report("enrollment.c1", serial, serialReference, "keycloak-admin-client-create");
            Run tenants = run(CLIENTS, ENROLLMENTS, enrollment);
            Run reference = run(CLIENTS, ENROLLMENTS, keycloakOnly);
            report("enrollment.c" + CLIENTS, tenants, reference, "keycloak-admin-client-create");
            assertEquals(0, serial.errors() + serialReference.errors() + tenants.errors() + reference.errors(),
                    "every operation must succeed");
        } finally {
            for (String clientId : created) {
                keycloak.findClients(clientId).chain(found -> found.isEmpty() ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                        : keycloak.deleteClient(found.get(0).get("id").asText()).replaceWithVoid()).await().atMost(Duration.ofSeconds(30));
            }
        }
    }

    private static Run run(int clients, int total, Op op) throws Exception {
        long[] nanos = new long[total];
        AtomicInteger index = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                for (int i = index.getAndIncrement(); i < total; i = index.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    try {
                        op.run(i);
                    } catch (Exception e) {
                        if (errors.incrementAndGet() <= 3) {
                            System.out.println("bench error: " + e.getMessage());
                        }
                    }
                    nanos[i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        long wall = System.nanoTime() - start;
        pool.shutdown();
        Arrays.sort(nanos);
        return new Run(nanos, wall, errors.get());
    }

    private static void report(String name, Run tenants, Run reference, String referenceName) {
        String ref = " vs " + referenceName;
        System.out.println(String.format(Locale.ROOT, "BENCH tenants.%s.p50 %.2f ms ratio=%.2f%s", name, tenants.p(0.50), tenants.p(0.50) / reference.p(0.50), ref));
        System.out.println(String.format(Locale.ROOT, "BENCH tenants.%s.p99 %.2f ms ratio=%.2f%s", name, tenants.p(0.99), tenants.p(0.99) / reference.p(0.99), ref));
        System.out.println(String.format(Locale.ROOT, "BENCH tenants.%s.throughput %.0f ops/s ratio=%.2f%s", name, tenants.perSecond(),
                tenants.perSecond() / reference.perSecond(), ref));
        System.out.println(String.format(Locale.ROOT, "BENCH reference.%s.p50 %.2f ms (%s)", name, reference.p(0.50), referenceName));
        System.out.println(String.format(Locale.ROOT, "BENCH reference.%s.p99 %.2f ms (%s)", name, reference.p(0.99), referenceName));
        System.out.println(String.format(Locale.ROOT, "BENCH reference.%s.throughput %.0f ops/s (%s)", name, reference.perSecond(), referenceName));
        System.out.println(String.format(Locale.ROOT, "BENCH tenants.%s.errors %d count (reference %d)", name, tenants.errors(), reference.errors()));
    }

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }
}
