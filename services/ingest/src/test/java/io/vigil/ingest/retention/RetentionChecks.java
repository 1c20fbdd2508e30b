package io.vigil.ingest.retention;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.vigil.ingest.retention.service.RetentionJob;
import io.vigil.ingest.retention.service.RetentionReport;
import io.vigil.ingest.support.Stack;
import io.vigil.lib.testing.TenantsProcess;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link RetentionIT} (one server) and {@link RetentionClusterIT} check: the retention job against the real
 * ClickHouse and the real tenants service (its built jar), with a real client-credentials token from Keycloak. It
 * runs on a database of its own, created by ingest's migrator and dropped at the end, since a run drops whole
 * partitions: the stack's shared database is never touched.
 * <p>
 * Two customers made in tenants keep 3 and 10 days; a third tenant id tenants never heard of stands for a deleted
 * customer. Each has rows 1, 5, 20 and 4000 days old in every flow table (one of the 3-day customer's 5-day-old flows
 * arrived just now, so only a per-customer delete reaches it). With tenants stopped, a run deletes nothing. With it up,
 * each customer loses exactly its rows past its own retention, the unknown tenant keeps its rows until the longest
 * retention (at least 30 days), and the 4000-day-old partitions go whole.
 */
abstract class RetentionChecks {

    /** The ClickHouse the fixtures write to and read from. */
    abstract String fixtureUrl();

    /** The test class's resources (its database and tenants process). */
    abstract Resources resources();

    private static final Logger LOG = Logger.getLogger(RetentionChecks.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long DAY = 86_400L;
    /** Ages of the rows written, in days. */
    private static final int[] AGES = {1, 5, 20, 4000};

    /**
     * A database of this run's own, and the tenants service as a process. Quarkus makes its own instance of the class
     * named in the annotation; the state is static, one set per class, so the test reaches the same.
     */
    public static class Resources implements QuarkusTestResourceLifecycleManager {
        static final String DATABASE = "vigil_retention_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        static final TenantsProcess TENANTS = new TenantsProcess();

        String database() {
            return DATABASE;
        }

        TenantsProcess tenants() {
            return TENANTS;
        }

        /**
         * Settings on top of the database, tenants and credentials. On one server, a day's mutation slack: the rows
         * 5 and 20 days old are more than a day past 3 and 10 days, so they still go (the cluster runs without slack).
         */
        Map<String, String> extra() {
            return Map.of("vigil.retention.mutation-slack", "1d");
        }

        /** Drops this run's database. */
        void dropDatabase() {
            ch(Stack.CLICKHOUSE, "DROP DATABASE IF EXISTS " + database());
        }

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(extra());
            TenantsProcess tenants = tenants();
            config.put("vigil.clickhouse.database", database());
            config.put("vigil.tenants.url", tenants.url());
            config.put("vigil.retention.mutation-wait", "90s");
            if (!tenants.start()) {
                LOG.warn("SKIPPING the retention tests: " + tenants.reason());
            }
            // The realm file has ingest's own client; a Keycloak imported before it has only detection's, which holds
            // the same single role (internal-read) and stands in for it.
            try {
                Stack.clientToken("vigil-ingest");
            } catch (IllegalStateException e) {
                LOG.warn("Keycloak has no client vigil-ingest yet (its realm predates it; scripts/stack restart keycloak"
                        + " re-imports it): calling tenants as vigil-detection, the same role");
                config.put("quarkus.oidc-client.client-id", "vigil-detection");
                config.put("vigil.tenants.client-secret", "dev-vigil-detection");
            }
            return config;
        }

        @Override
        public void stop() {
            tenants().stop();
            try {
                dropDatabase();
            } catch (RuntimeException e) {
                LOG.warn("could not drop " + database() + ": " + e.getMessage());
            }
        }
    }

    @Inject
    RetentionJob job;

    @Test
    void eachCustomerLosesItsRowsPastItsOwnRetentionAndNothingIsDeletedWithoutTenants() {
        Assumptions.assumeTrue(resources().tenants().reason() == null, () -> "not run against tenants: " + resources().tenants().reason());
        String shortLived = createCustomer(3);
        String longLived = createCustomer(10);
        String unknown = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tenants = List.of(shortLived, longLived, unknown);
        long now = System.currentTimeMillis() / 1000;
        for (String tenant : tenants) {
            for (int age : AGES) {
                long at = now - age * DAY;
                insertFlow(tenant, at, at);
                ch("INSERT INTO " + db("sensor_status") + " (tenant_id, sensor_id, received_at) VALUES ('" + tenant
                        + "', 's1', toDateTime(" + at + "))");
            }
        }
        insertFlow(shortLived, now - 5 * DAY, now); // exported late: only its start says it is past 3 days
        Map<String, Map<String, List<Boolean>>> before = present(tenants);
        before.forEach((table, byTenant) -> byTenant.forEach((tenant, ages) ->
                assertEquals(List.of(true, true, true, true), ages, table + " " + tenant + " before any run")));

        // Tenants down: nothing may be deleted on a guess, not even the 4000-day-old partitions.
        resources().tenants().stop();
        RetentionReport down = job.run();
        assertEquals("TENANTS_UNAVAILABLE", down.outcome(), down.toString());
        assertEquals(before, present(tenants), "nothing deleted while tenants is down");
        assertTrue(resources().tenants().start(), () -> "tenants did not start again: " + resources().tenants().reason());

        RetentionReport report = job.run();
        LOG.info("retention report: " + report);
        assertEquals("COMPLETED", report.outcome(), report.toString());
        assertEquals(RetentionTable.ALL.size(), report.tables().size());
        for (RetentionReport.Table t : report.tables()) {
            assertTrue(t.partitionsDropped() >= 1, t + ": the 4000-day-old partition is dropped whole");
            if (table(t.table()).keepDays() > 0) {
                assertEquals(0, t.mutations(), t + ": a working table's old days went whole, its partitions, so no mutation is left to do");
                continue;
            }
            assertTrue(t.mutations() >= 1 && t.mutations() <= 2, t + ": one mutation covers many customers");
            assertTrue(t.customersDeleted() >= 2, t.toString());
            assertTrue(t.mutationsFinished(), t.toString());
        }
        Map<String, Map<String, List<Boolean>>> after = present(tenants);
        for (RetentionTable table : RetentionTable.ALL) {
            Map<String, List<Boolean>> byTenant = after.get(table.name());
            if (table.keepDays() > 0) {
                // source_flows_1m keeps 2 days: the day-old rows stay, every older one is gone, whoever's it is
                tenants.forEach(tenant -> assertEquals(List.of(true, false, false, false), byTenant.get(tenant), table.name() + " " + tenant));
                continue;
            }
            assertEquals(List.of(true, false, false, false), byTenant.get(shortLived), table.name() + ": 3-day customer");
            assertEquals(List.of(true, true, false, false), byTenant.get(longLived), table.name() + ": 10-day customer");
            assertEquals(List.of(true, true, true, false), byTenant.get(unknown),
                    table.name() + ": an id tenants does not know keeps its rows until the longest retention");
        }
        assertEquals(0, Long.parseLong(ch("SELECT count() FROM " + db("flows") + " WHERE tenant_id = '" + shortLived
                + "' AND received_at > toDateTime(" + (now - DAY) + ") AND start < toDateTime(" + (now - 3 * DAY) + ")")),
                "the late flow went by its start, though its partition stays");

        // On demand: platform-admins only; a second run finds nothing left to delete and queues no mutation.
        RestAssured.given().post("/api/v1/admin/retention/run").then().statusCode(401);
        RestAssured.given().auth().oauth2(Stack.userToken("msp-a-admin")).post("/api/v1/admin/retention/run")
                .then().statusCode(403);
        RestAssured.given().auth().oauth2(Stack.userToken("platform-admin")).post("/api/v1/admin/retention/run")
                .then().statusCode(200).body("outcome", equalTo("COMPLETED"))
                .body("tables.find { it.table == 'flows' }.mutations", equalTo(0))
                .body("tables.find { it.table == 'flows' }.partitionsDropped", equalTo(0));
        assertEquals(after, present(tenants), "the second run changed nothing");
    }

    private static RetentionTable table(String name) {
        return RetentionTable.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** Per table and tenant: whether rows of each age in AGES are there (by the table's own time column). */
    private Map<String, Map<String, List<Boolean>>> present(List<String> tenants) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Map<String, List<Boolean>>> all = new HashMap<>();
        for (RetentionTable table : RetentionTable.ALL) {
            String c = table.timeColumn();
            Map<String, List<Boolean>> byTenant = new HashMap<>();
            for (String tenant : tenants) {
                byTenant.put(tenant, new ArrayList<>(List.of(false, false, false, false)));
            }
            String tsv = ch("SELECT tenant_id, countIf(" + c + " >= toDateTime(" + (now - 2 * DAY) + ")) > 0,"
                    + " countIf(" + c + " < toDateTime(" + (now - 2 * DAY) + ") AND " + c + " >= toDateTime(" + (now - 6 * DAY) + ")) > 0,"
                    + " countIf(" + c + " < toDateTime(" + (now - 6 * DAY) + ") AND " + c + " >= toDateTime(" + (now - 21 * DAY) + ")) > 0,"
                    + " countIf(" + c + " < toDateTime(" + (now - 21 * DAY) + ")) > 0"
                    + " FROM " + db(table.name()) + " WHERE tenant_id IN ('" + String.join("', '", tenants) + "') GROUP BY tenant_id");
            for (String line : tsv.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                byTenant.put(f[0], List.of(f[1].equals("1"), f[2].equals("1"), f[3].equals("1"), f[4].equals("1")));
            }
            all.put(table.name(), byTenant);
        }
        return all;
    }

    /** One failed TCP attempt (so every roll-up gets a row) of this tenant. */
    private void insertFlow(String tenant, long start, long receivedAt) {
        ch("INSERT INTO " + db("flows") + " (tenant_id, sensor_id, batch_seq, received_at, start, start_ms, end_ms,"
                + " ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, conn_state) SELECT '" + tenant
                + "', 's1', 1, toDateTime(" + receivedAt + "), toDateTime(" + start + "), " + start * 1000 + ", "
                + start * 1000 + ", 4, IPv6StringToNum('::ffff:10.9.0.1'), IPv6StringToNum('::ffff:10.9.0.2'),"
                + " 40000, 22, 6, 'S0'");
    }

    private String createCustomer(int retentionDays) {
        String body = "{\"name\": \"Retention " + UUID.randomUUID() + "\", \"retentionDays\": " + retentionDays + "}";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(resources().tenants().url() + "/api/v1/customers"))
                .header("Authorization", "Bearer " + Stack.userToken("msp-a-admin"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(201, response.statusCode(), response.body());
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertTrue(id.find(), response.body());
        return id.group(1);
    }

    private String db(String table) {
        return resources().database() + "." + table;
    }

    private String ch(String sql) {
        return ch(fixtureUrl(), sql);
    }

    /**
     * A statement on a ClickHouse server as ingest's own user (the one that writes), TabSeparated back; an INSERT into
     * a Distributed table is stored in the shards before it returns.
     */
    static String ch(String url, String sql) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url + (url.contains("?") ? "&" : "/?")
                        + "insert_distributed_sync=1&user="
                        + URLEncoder.encode("vigil_ingest", StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse: " + response.statusCode() + " " + response.body() + " for " + sql);
        }
        return response.body().trim();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
