package io.vigil.tests.system;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every row of ../shared/pcaps/README.md through the real path: each capture is replayed by the built sensor, enrolled
 * for a customer of its own (so no capture sees another's history), into ingest and ClickHouse, judged by detection,
 * and read back through the detection API: the row's one alert with its type, source, targets and ports, or none.
 */
@Tag("system")
class SharedPcapsST {

    /**
     * What a row of the README expects of its one alert ({@code type} null: no alert at all), for a customer with
     * {@code networks} inside: {@code targets} is its targetCount, {@code ports} and {@code target} its detail's ports
     * and only target host, and {@code slow} that the README calls it a slow scan. A null is not checked.
     */
    record Row(String file, List<String> networks, String type, String source, Integer targets, List<String> ports,
               String target, Integer portCount, boolean slow) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("ncsa_port_scan.pcap", List.of("192.168.2.0/24"), "VERTICAL", "192.168.2.154", 1, null,
                    "192.168.2.22", 10, false),
            new Row("ncsa_445_scan.pcap", List.of("10.0.0.0/8", "192.168.0.0/16"), "HORIZONTAL", "176.192.150.3", 9,
                    List.of("445/tcp"), null, null, true),
            new Row("ncsa_multiport_scan.pcap", List.of("10.0.0.0/8", "192.168.0.0/16"), "HORIZONTAL", "125.27.226.209",
                    10, null, null, null, true),
            new Row("ncsa_scan_with_zero_windows.pcap", List.of("10.0.0.0/24"), "HORIZONTAL", "10.0.0.1", 10,
                    List.of("23/tcp"), null, null, false),
            new Row("ncsa_backscatter.trace", List.of("10.0.0.0/8"), null, null, null, null, null, null, false),
            new Row("sgr_hs-tcp_synPingSweepRand.pcapng", List.of("10.0.0.0/24"), "HORIZONTAL", "10.0.0.128", 256,
                    List.of("80/tcp"), null, null, false),
            new Row("sgr_hs-tcp_ackPingSweepRand.pcapng", List.of("10.0.0.0/24"), "HOST_SWEEP", "10.0.0.128", 256,
                    List.of("80/tcp"), null, null, false),
            new Row("sgr_hs-icmpScan.pcapng", List.of("10.0.0.0/24"), "HOST_SWEEP", "10.0.0.128", 256, null, null,
                    null, false),
            new Row("sgr_hs-udpScan.pcap", List.of("246.237.103.0/24"), "UDP", "246.237.45.150", 96, List.of("40125/udp"), null,
                    null, false));

    /** Per row: the customer, its alerts as msp-a-admin lists them, and each alert's detail. */
    private static final Map<Row, String> CUSTOMERS = new LinkedHashMap<>();
    private static final Map<Row, List<JsonObject>> ALERTS = new LinkedHashMap<>();
    private static final Map<Row, JsonObject> DETAILS = new LinkedHashMap<>();

    /** Replays every capture (three sensors at a time), waits until detection judged each batch, reads the alerts. */
    @BeforeAll
    static void replayEveryCapture() throws Exception {
        assertEquals(readmeFiles(), ROWS.stream().map(Row::file).toList(), "one case per row of " + Pipeline.PCAPS.resolve("README.md"));
        try (Pipeline pipeline = Pipeline.start("shared-pcaps-st", "vigil_shared_pcaps_st", Map.of())) {
            String admin = SystemStack.userToken("msp-a-admin");
            String run = Long.toString(System.nanoTime(), 36);
            Map<Row, Path> sensors = new LinkedHashMap<>();
            for (Row row : ROWS) {
                String customer = pipeline.createCustomer(admin, "pcaps-st " + row.file() + " " + run, row.networks());
                CUSTOMERS.put(row, customer);
                sensors.put(row, pipeline.enrollSensor(admin, customer));
            }
            Map<Path, Path> replays = new LinkedHashMap<>();
            ROWS.forEach(row -> replays.put(sensors.get(row), Pipeline.PCAPS.resolve(row.file())));
            Pipeline.replayAtOnce(replays, 3);
            for (Row row : ROWS) {
                String customer = CUSTOMERS.get(row);
                pipeline.awaitJudged(customer);
                List<JsonObject> alerts = pipeline.alerts(customer, admin);
                System.out.println("SharedPcapsST " + row.file() + " -> " + alerts);
                ALERTS.put(row, alerts);
                if (alerts.size() == 1) {
                    DETAILS.put(row, new JsonObject(Pipeline.get(pipeline.detectionUrl + "/api/v1/customers/" + customer
                            + "/alerts/" + alerts.get(0).getString("id"), admin).body()));
                }
            }
        }
    }

    @Test
    void everyRowGivesItsOneAlertOfTheExpectedTypeSourceTargetsAndPortsAndBackscatterNone() {
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS) {
            failures.addAll(check(row));
        }
        assertTrue(failures.isEmpty(), failures.size() + " rows do not hold:\n" + String.join("\n", failures));
    }

    /** A scan spread over hours but delivered at once (a replay, or a sensor's spool after a WAN outage) is still slow. */
    @Test
    void slowCapturesAreMarkedSlowThoughDeliveredAtOnce() {
        for (Row row : ROWS) {
            if (row.slow()) {
                assertEquals(1, ALERTS.get(row).size(), row.file());
                assertEquals(true, ALERTS.get(row).get(0).getBoolean("slow"), row.file() + ": " + ALERTS.get(row));
            }
        }
    }

    private static List<String> check(Row row) {
        List<String> failures = new ArrayList<>();
        List<JsonObject> alerts = ALERTS.get(row);
        String where = row.file() + " (customer " + CUSTOMERS.get(row) + "): ";
        if (row.type() == null) {
            if (!alerts.isEmpty()) {
                failures.add(where + "expected no alert, got " + alerts);
            }
            return failures;
        }
        if (alerts.size() != 1) {
            failures.add(where + "expected exactly one alert, got " + alerts);
            return failures;
        }
        JsonObject a = alerts.get(0);
        JsonObject detail = DETAILS.get(row);
        expect(failures, where + "type", row.type(), a.getString("type"));
        if (row.source() != null) {
            expect(failures, where + "source", row.source(), a.getString("source"));
        }
        if (row.targets() != null) {
            expect(failures, where + "targetCount", row.targets(), a.getInteger("targetCount"));
        }
        if (row.ports() != null) {
            expect(failures, where + "ports", row.ports(), detail.getJsonArray("ports", new JsonArray()).getList());
        }
        if (row.target() != null) {
            expect(failures, where + "targets", List.of(row.target()), detail.getJsonArray("targets", new JsonArray()).getList());
        }
        if (row.portCount() != null) {
            expect(failures, where + "portCount", row.portCount(), a.getInteger("portCount"));
        }
        if (!row.slow()) {
            expect(failures, where + "slow", false, a.getBoolean("slow"));
        }
        return failures;
    }

    private static void expect(List<String> failures, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** The capture files the README's table lists, in its order. */
    private static List<String> readmeFiles() throws Exception {
        List<String> files = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| ([^ |]+\\.(?:pcap|pcapng|trace)) \\|").matcher(Files.readString(Pipeline.PCAPS.resolve("README.md")));
        while (m.find()) {
            files.add(m.group(1));
        }
        return files;
    }
}
