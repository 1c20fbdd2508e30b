package io.vigil.detection.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Replay;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stratosphere's labelled Zeek conn logs (../shared/datasets/stratosphere, GPL-2.0, read in place), replayed by the
 * real sensor ({@code vigil-sensor replay --stdout --retime} on the conn log, no flag) and delivered as a live sensor
 * would: in slices of 10 minutes of flow time, each stored as a batch received when its last flow ended, with a
 * cycle after each. The nmap scans of 002 must raise their scans; the benign parts of 008 and 010 must raise no
 * alert that their {@code label} column does not explain (the flows carry the Zeek uid, which joins them to it).
 */
@QuarkusTest
class ZeekConnLogsIT {

    static final Path DATASETS = Replay.ROOT.resolve("../shared/datasets/stratosphere").normalize();
    private static final long SLICE_MS = 600_000;

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    private static Path log(String relative) {
        assumeTrue(Files.isDirectory(DATASETS), "the shared Stratosphere conn logs are not at " + DATASETS);
        return DATASETS.resolve(relative);
    }

    /** Every flow of the log, delivered slice by slice to a fresh tenant with these networks, each slice judged. */
    private String delivered(Path log, String... networks) throws Exception {
        String tenant = TestCustomers.create(pool, networks);
        List<JsonNode> flows = new ArrayList<>(Replay.meter(log.toString()));
        flows.sort(Comparator.comparingLong(f -> f.get("end_time_ms").asLong()));
        assertTrue(flows.stream().allMatch(f -> f.hasNonNull("zeek_uid")), "every flow carries its Zeek uid");
        long last = flows.get(flows.size() - 1).get("end_time_ms").asLong();
        long shift = Instant.now().minusSeconds(60).toEpochMilli() - last;
        TreeMap<Long, List<JsonNode>> slices = new TreeMap<>();
        for (JsonNode f : flows) {
            slices.computeIfAbsent((f.get("end_time_ms").asLong() + shift) / SLICE_MS, k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<Long, List<JsonNode>> slice : slices.entrySet()) {
            Instant received = Instant.ofEpochMilli((slice.getKey() + 1) * SLICE_MS).truncatedTo(ChronoUnit.SECONDS);
            Replay.storeShifted(tenant, slice.getValue(), received, shift);
            cycle.runTenant(tenant, received.plusSeconds(1));
        }
        return tenant;
    }

    /** Every alert of the tenant, each with its detail (the distributed scans' members). */
    private static List<JsonPath> alerts(String tenant) {
        List<JsonPath> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = as("msp-a-analyst").queryParam("limit", 200)
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
                    .get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> a : page.<Map<String, Object>>getList("items")) {
                all.add(as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + a.get("id")).then()
                        .statusCode(200).extract().jsonPath());
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return all;
    }

    /** "type source" per alert, for the README's table and the failure messages. */
    private static String describe(List<JsonPath> alerts) {
        Map<String, Integer> byType = new TreeMap<>();
        for (JsonPath a : alerts) {
            byType.merge(a.getString("family") + " " + a.getString("type") + (a.getBoolean("slow") ? " (slow)" : "") + " "
                            + a.getString("direction"),
                    1, Integer::sum);
        }
        return byType.toString();
    }

    /** uid -> label column of a labelled TSV conn log. */
    private static Map<String, String> labels(Path log) throws Exception {
        Map<String, String> labels = new HashMap<>();
        int uid = -1;
        int label = -1;
        for (String line : Files.readAllLines(log)) {
            String[] c = line.split("\t", -1);
            if (line.startsWith("#fields")) {
                List<String> names = List.of(c).subList(1, c.length);
                uid = names.indexOf("uid");
                label = names.indexOf("label");
            } else if (!line.startsWith("#")) {
                labels.put(c[uid], c[label]);
            }
        }
        return labels;
    }

    /**
     * The benign day of one monitored host: every alert's acting addresses, whatever its family, must be sources of
     * flows labelled Malicious (the internet's scans and password guessing of the host); none may be a host whose
     * traffic is all labelled benign.
     */
    private void onlyWhatTheLabelsExplain(String relative, String network) throws Exception {
        Path log = log(relative);
        Map<String, String> labels = labels(log);
        Set<String> malicious = new HashSet<>();
        for (JsonNode f : Replay.meter(log.toString())) {
            if ("Malicious".equals(labels.get(f.get("zeek_uid").asText()))) {
                malicious.add(f.get("orig_addr").asText());
            }
        }
        String tenant = delivered(log, network);
        List<JsonPath> alerts = alerts(tenant);
        System.out.printf("ZEEK %s: %d alerts %s%n", relative, alerts.size(), describe(alerts));
        for (JsonPath a : alerts) {
            List<String> sources = a.getList("sources");
            assertTrue(malicious.containsAll(sources), a.getString("type") + " from " + sources
                    + " is not explained by a Malicious label: " + a.getString("summary"));
        }
    }

    @Test
    void nmapScansLoggedByZeekRaiseTheirScansFromTheScannerOnly() throws Exception {
        String tenant = delivered(log("002-zeek-scenario-port-scanning/conn.log"), "172.16.0.0/12", "192.168.0.0/16",
                "10.0.0.0/8");
        List<JsonPath> alerts = alerts(tenant);
        System.out.printf("ZEEK 002: %d alerts %s%n", alerts.size(), describe(alerts));
        Set<String> types = new HashSet<>();
        for (JsonPath a : alerts) {
            assertEquals("172.16.1.11", a.getString("source"), a.getString("summary"));
            types.add(a.getString("type"));
        }
        assertTrue(types.contains("HORIZONTAL"), "the SYN scans across each network: " + types);
        assertTrue(types.contains("HOST_SWEEP"), "nmap's host discovery (echo, ACK pings): " + types);
        assertTrue(alerts.stream().anyMatch(a -> a.getString("direction").equals("LATERAL")));

        // An analyst pivots from an alert's flows back to the customer's Zeek logs by uid.
        Set<String> uids = uids(log("002-zeek-scenario-port-scanning/conn.log"));
        List<Map<String, Object>> drill = as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/"
                + alerts.get(0).getString("id") + "/flows?limit=50").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertTrue(!drill.isEmpty());
        for (Map<String, Object> f : drill) {
            assertTrue(uids.contains((String) f.get("zeekUid")), "a uid of the conn log: " + f);
            assertEquals(null, f.get("exporter"), "no exporter: " + f);
            assertEquals(0, f.get("samplingRate"), "metered from packets by Zeek: " + f);
        }
    }

    /** The uids of a Zeek JSON-lines conn log. */
    private static Set<String> uids(Path log) throws Exception {
        Set<String> uids = new HashSet<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                uids.add(json.readTree(line).get("uid").asText());
            }
        }
        return uids;
    }

    @Test
    void theBenignDay008RaisesNothingItsLabelsDoNotExplain() throws Exception {
        onlyWhatTheLabelsExplain("008-zeek-mixed/data/conn.log.labeled", "147.32.81.0/24");
    }

    @Test
    void theBenignDay010RaisesNothingItsLabelsDoNotExplain() throws Exception {
        onlyWhatTheLabelsExplain("010-zeek-mixed/data/conn.log.labeled", "147.32.83.0/24");
    }
}
