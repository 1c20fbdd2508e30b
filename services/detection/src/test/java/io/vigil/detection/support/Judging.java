package io.vigil.detection.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.path.json.JsonPath;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.family.reconnaissance.DecidedBy;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A capture's flows stored for a tenant and judged as a live sensor's delivery would be: all at once with one cycle (a
 * fast scan), or flow by flow at their own shifted times with a cycle after each (a slow scan, which only the slow path
 * over the per-minute roll-up may then decide); and the tenant's alerts as an analyst reads them.
 */
public final class Judging {

    private Judging() {
    }

    /** Stores the flows received now, the first starting 30 s ago, and runs one cycle. */
    public static void atOnce(DetectionCycle cycle, String tenant, List<JsonNode> flows)
            throws IOException, InterruptedException {
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, flows, received, received.minusSeconds(30));
        cycle.runTenant(tenant, received.plusSeconds(1));
    }

    /** Stores the flows one by one, the last ending a minute ago, each received as it ended, a cycle after each. */
    public static void oneByOne(DetectionCycle cycle, String tenant, List<JsonNode> unsorted)
            throws IOException, InterruptedException {
        List<JsonNode> flows = unsorted.stream().sorted(Comparator.comparingLong(f -> f.get("start_time_ms").asLong()))
                .toList();
        long last = flows.get(flows.size() - 1).get("end_time_ms").asLong();
        long shift = Instant.now().minusSeconds(60).toEpochMilli() - last;
        for (JsonNode f : flows) {
            Instant received = Instant.ofEpochMilli(f.get("end_time_ms").asLong() + shift).truncatedTo(ChronoUnit.SECONDS)
                    .plusSeconds(1);
            Replay.storeShifted(tenant, List.of(f), received, shift);
            for (var finding : cycle.runTenant(tenant, received.plusSeconds(1)).findings()) {
                assertEquals(DecidedBy.SLOW, Findings.decidedBy(finding), "one probe per cycle: only the slow path may "
                        + "decide");
            }
        }
    }

    public static List<Map<String, Object>> alerts(String tenant) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    /** The tenant's one alert (fails if there is not exactly one). */
    public static Map<String, Object> onlyAlert(String tenant) {
        List<Map<String, Object>> items = alerts(tenant);
        assertEquals(1, items.size(), "alerts: " + items);
        return items.get(0);
    }

    /** The first page (up to 100) of the flows behind an alert, as an analyst drills into it. */
    public static List<Map<String, Object>> flows(String tenant, Map<String, Object> alert) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + alert.get("id") + "/flows?limit=100")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    public static JsonPath detail(String tenant, Map<String, Object> alert) {
        return as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + alert.get("id")).then()
                .statusCode(200).extract().jsonPath();
    }
}
