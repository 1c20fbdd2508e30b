package io.vigil.tests.system;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two MSPs with two customers each (the realm's a1, a2 of msp-a and b1, b2 of msp-b), all at once: each customer's
 * sensor, enrolled through tenants, replays its own scan, and each customer gets its alert through the real path.
 * Then isolation on every endpoint that shows a customer's data: alerts (list, by id, and by id through another
 * customer's path), the flows behind an alert, host baselines, summary, the customer and its sensors. Each customer's
 * viewer and its MSP's admin read it; everybody else gets 404 problem+json, exactly as for something that does not exist,
 * except a viewer asking for its own MSP's MSP-wide lists, which it knows exist: 403 problem+json.
 */
@Tag("system")
class TwoMspsST {

    /**
     * A customer's scan: the capture its sensor replays, the alert it must give with the probe flows it adds
     * ({@code attempts}), and an internal host of the customer whose baseline is read.
     */
    record Scan(String customer, String msp, String capture, String type, String source, long attempts, String host) {
    }

    private static final List<Scan> SCANS = List.of(
            new Scan("a1", "msp-a", "ncsa_port_scan.pcap", "VERTICAL", "192.168.2.154", 10, "10.1.0.1"),
            new Scan("a2", "msp-a", "sgr_hs-tcp_synPingSweepRand.pcapng", "HORIZONTAL", "10.0.0.128", 511, "10.2.0.1"),
            new Scan("b1", "msp-b", "ncsa_scan_with_zero_windows.pcap", "HORIZONTAL", "10.0.0.1", 10, "10.1.0.1"),
            new Scan("b2", "msp-b", "sgr_hs-udpScan.pcap", "UDP", "246.237.45.150", 410, "192.168.0.1"));
    /** Who may read which customer. */
    private static final Map<String, Set<String>> SCOPE = Map.of("msp-a-admin", Set.of("a1", "a2"),
            "msp-b-admin", Set.of("b1", "b2"), "a1-viewer", Set.of("a1"), "a2-viewer", Set.of("a2"),
            "b1-viewer", Set.of("b1"), "b2-viewer", Set.of("b2"));

    @Test
    void fourCustomersOfTwoMspsEachGetTheirAlertAndSeeNothingOfTheOthers() throws Exception {
        // Baseline refresh off: a1..b2 are shared customers, and a refresh from this test's database would replace
        // the baselines other tests gave them. No notification is sent from here.
        Map<String, String> detection = Map.of("VIGIL_DETECTION_BASELINE_REFRESH_INTERVAL", "off", "VIGIL_NOTIFY_ENABLED", "false");
        try (Pipeline pipeline = Pipeline.start("two-msps-st", "vigil_two_msps_st", detection)) {
            Map<String, String> tokens = new LinkedHashMap<>();
            for (String user : SCOPE.keySet()) {
                tokens.put(user, SystemStack.userToken(user));
            }
            Map<Scan, Long> attemptsBefore = new LinkedHashMap<>();
            Map<Scan, Path> sensors = new LinkedHashMap<>();
            for (Scan s : SCANS) {
                String admin = tokens.get(s.msp() + "-admin");
                attemptsBefore.put(s, alert(pipeline, s, admin).map(a -> a.getLong("attempts")).orElse(0L));
                sensors.put(s, pipeline.enrollSensor(admin, s.customer()));
            }
            Instant started = Instant.now();
            Map<Path, Path> replays = new LinkedHashMap<>();
            SCANS.forEach(s -> replays.put(sensors.get(s), Pipeline.PCAPS.resolve(s.capture())));
            Pipeline.replayAtOnce(replays, SCANS.size());

            Map<String, String> alertIds = new LinkedHashMap<>();
            Map<String, String> sensorIds = new LinkedHashMap<>();
            for (Scan s : SCANS) {
                pipeline.awaitJudged(s.customer());
                JsonObject a = alert(pipeline, s, tokens.get(s.customer() + "-viewer"))
                        .orElseThrow(() -> new AssertionError(s.customer() + ": no " + s.type() + " alert from " + s.source()));
                assertTrue(Instant.parse(a.getString("updatedAt")).isAfter(started), s.customer() + ": raised by this run: " + a);
                assertEquals(attemptsBefore.get(s) + s.attempts(), a.getLong("attempts"),
                        s.customer() + ": this run's probes, counted once: " + a);
                alertIds.put(s.customer(), a.getString("id"));
                sensorIds.put(s.customer(), Pipeline.credentials(sensors.get(s)).getProperty("sensor-id"));
            }

            List<String> failures = new ArrayList<>();
            int requests = 0;
            for (Map.Entry<String, String> user : tokens.entrySet()) {
                Set<String> scope = SCOPE.get(user.getKey());
                for (Scan s : SCANS) {
                    String c = s.customer();
                    String alertPath = "/api/v1/customers/" + c + "/alerts/" + alertIds.get(c);
                    Map<String, String> urls = new LinkedHashMap<>();
                    urls.put("alerts", pipeline.detectionUrl + "/api/v1/customers/" + c + "/alerts?limit=200");
                    urls.put("alert", pipeline.detectionUrl + alertPath);
                    urls.put("flows", pipeline.detectionUrl + alertPath + "/flows");
                    urls.put("baseline", pipeline.detectionUrl + "/api/v1/customers/" + c + "/hosts/" + s.host() + "/baseline");
                    urls.put("summary", pipeline.detectionUrl + "/api/v1/customers/" + c + "/summary");
                    urls.put("customer", pipeline.tenantsUrl + "/api/v1/customers/" + c);
                    urls.put("sensor", pipeline.tenantsUrl + "/api/v1/customers/" + c + "/sensors/" + sensorIds.get(c));
                    for (Map.Entry<String, String> url : urls.entrySet()) {
                        HttpResponse<String> r = Pipeline.get(url.getValue(), user.getValue());
                        requests++;
                        String where = user.getKey() + " GET " + url.getValue() + ": HTTP " + r.statusCode();
                        if (scope.contains(c)) {
                            boolean noBaseline = url.getKey().equals("baseline") && r.statusCode() == 404 && !hasBaseline(c, s.host());
                            if (r.statusCode() != 200 && !noBaseline) {
                                failures.add(where + ", expected 200: " + RestFuzzST.abbreviate(r.body()));
                            } else if (r.statusCode() == 200) {
                                failures.addAll(foreignIn(where, r.body(), c, alertIds, sensorIds));
                            }
                            if (url.getKey().equals("flows") && r.statusCode() == 200 && !r.body().contains(s.source())) {
                                failures.add(where + ": the alert's flows do not show its source " + s.source());
                            }
                        } else {
                            failures.addAll(notFound(where, r));
                        }
                    }
                    // an alert of a customer out of scope, asked for through a customer in scope
                    for (String own : scope) {
                        if (!own.equals(c)) {
                            for (String suffix : List.of("", "/flows")) {
                                HttpResponse<String> r = Pipeline.get(pipeline.detectionUrl + "/api/v1/customers/" + own
                                        + "/alerts/" + alertIds.get(c) + suffix, user.getValue());
                                requests++;
                                failures.addAll(notFound(user.getKey() + " GET " + c + "'s alert" + suffix + " via " + own
                                        + ": HTTP " + r.statusCode(), r));
                            }
                        }
                    }
                }
                // MSP-wide: an MSP's own people read its customers' summary, alerts and sensors there; nobody else reaches them.
                for (String msp : List.of("msp-a", "msp-b")) {
                    Map<String, String> urls = new LinkedHashMap<>();
                    urls.put("summary", pipeline.detectionUrl + "/api/v1/msps/" + msp + "/summary");
                    for (Scan s : SCANS) {
                        urls.put("alerts " + s.customer(), pipeline.detectionUrl + "/api/v1/msps/" + msp + "/alerts?limit=200&source=" + s.source());
                    }
                    urls.put("sensors", pipeline.tenantsUrl + "/api/v1/msps/" + msp + "/sensors?status=ACTIVE&limit=1000");
                    for (Map.Entry<String, String> url : urls.entrySet()) {
                        HttpResponse<String> r = Pipeline.get(url.getValue(), user.getValue());
                        requests++;
                        String where = user.getKey() + " GET " + url.getValue() + ": HTTP " + r.statusCode();
                        boolean ownViewer = user.getKey().endsWith("-viewer") && scope.stream().anyMatch(c -> mspOf(c).equals(msp));
                        if (ownViewer) {
                            failures.addAll(problem(403, where + " (a viewer is refused its MSP's lists)", r));
                            continue;
                        }
                        if (!user.getKey().equals(msp + "-admin")) {
                            failures.addAll(notFound(where, r));
                            continue;
                        }
                        if (r.statusCode() != 200) {
                            failures.add(where + ", expected 200: " + RestFuzzST.abbreviate(r.body()));
                            continue;
                        }
                        String body = url.getKey().equals("sensors") ? allPages(url.getValue(), user.getValue(), r) : r.body();
                        for (Scan s : SCANS) {
                            String c = s.customer();
                            String expected = switch (url.getKey()) {
                                case "summary" -> "\"customerId\":\"" + c + "\"";
                                case "sensors" -> sensorIds.get(c);
                                default -> alertIds.get(c);
                            };
                            boolean mustShow = scope.contains(c) && (!url.getKey().startsWith("alerts ") || url.getKey().equals("alerts " + c));
                            if (mustShow && !body.contains(expected)) {
                                failures.add(where + ": misses " + c + " (" + expected + ")");
                            }
                            if (!scope.contains(c) && (body.contains("\"" + c + "\"") || body.contains(alertIds.get(c))
                                    || body.contains(sensorIds.get(c)))) {
                                failures.add(where + ": shows " + c + "'s data: " + RestFuzzST.abbreviate(body));
                            }
                        }
                    }
                }
                HttpResponse<String> customers = Pipeline.get(pipeline.tenantsUrl + "/api/v1/customers?limit=200", user.getValue());
                requests++;
                if (user.getKey().endsWith("-admin")) {
                    assertEquals(200, customers.statusCode(), customers.body());
                    for (Scan s : SCANS) {
                        boolean listed = customers.body().contains("\"id\":\"" + s.customer() + "\"");
                        if (listed != scope.contains(s.customer())) {
                            failures.add(user.getKey() + " customer list " + (listed ? "shows " : "misses ") + s.customer());
                        }
                    }
                }
            }
            System.out.printf("TwoMspsST: alerts %s, %d isolation requests%n", alertIds, requests);
            assertTrue(failures.isEmpty(), failures.size() + " isolation failures:\n" + String.join("\n", failures));
        }
    }

    /** The alert of the scan's type and source on its customer, as {@code token} lists it. */
    private static java.util.Optional<JsonObject> alert(Pipeline pipeline, Scan s, String token) throws Exception {
        return pipeline.alerts(s.customer(), token).stream()
                .filter(a -> s.type().equals(a.getString("type")) && s.source().equals(a.getString("source"))).findFirst();
    }

    /** Failures when a 200 answer about {@code customer} names another customer, or another customer's alert or sensor. */
    private static List<String> foreignIn(String where, String body, String customer, Map<String, String> alertIds,
                                          Map<String, String> sensorIds) {
        List<String> failures = new ArrayList<>();
        for (Scan other : SCANS) {
            String o = other.customer();
            if (!o.equals(customer) && (body.contains("\"" + o + "\"") || body.contains(alertIds.get(o))
                    || body.contains(sensorIds.get(o)))) {
                failures.add(where + ": shows " + o + "'s data: " + RestFuzzST.abbreviate(body));
            }
        }
        return failures;
    }

    private static String mspOf(String customer) {
        return SCANS.stream().filter(s -> s.customer().equals(customer)).findFirst().orElseThrow().msp();
    }

    /** The bodies of a paged list's pages after {@code first}, appended to it. */
    private static String allPages(String url, String token, HttpResponse<String> first) throws Exception {
        StringBuilder bodies = new StringBuilder(first.body());
        String next = new JsonObject(first.body()).getString("nextCursor");
        while (next != null) {
            HttpResponse<String> more = Pipeline.get(url + "&cursor=" + next, token);
            assertEquals(200, more.statusCode(), url + " next page: " + more.body());
            bodies.append(more.body());
            next = new JsonObject(more.body()).getString("nextCursor");
        }
        return bodies.toString();
    }

    private static List<String> notFound(String where, HttpResponse<String> r) {
        return problem(404, where, r);
    }

    private static List<String> problem(int status, String where, HttpResponse<String> r) {
        if (r.statusCode() != status || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return List.of(where + ", expected " + status + " problem+json: " + RestFuzzST.abbreviate(r.body()));
        }
        return List.of();
    }

    private static boolean hasBaseline(String customer, String host) throws Exception {
        return !SystemStack.postgres("SELECT 1 FROM detection.host_baselines WHERE customer_id = '" + customer
                + "' AND host = '" + host + "'").isEmpty();
    }
}
