package io.vigil.detection.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.detection.cycle.DetectionCycle;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's own captures (tests/captures; the README there says what each one is and how it was recorded), each
 * metered once by the real sensor (a process each time) and stored for a tenant as often as a test needs.
 */
public final class ProjectCaptures {

    private static final Map<String, List<JsonNode>> METERED = new ConcurrentHashMap<>();

    private ProjectCaptures() {
    }

    /** The capture's flows as the sensor meters them. */
    public static List<JsonNode> metered(String capture) throws Exception {
        List<JsonNode> flows = METERED.get(capture);
        if (flows == null) {
            flows = Replay.meter(Replay.ROOT.resolve("tests/captures").resolve(capture).toString());
            assertTrue(!flows.isEmpty(), capture + " meters to flows");
            METERED.put(capture, flows);
        }
        return flows;
    }

    /** Stores the capture's flows, the first starting at {@code start}, received at {@code received}; one cycle. */
    public static DetectionCycle.TenantRun judged(DetectionCycle cycle, String tenant, String capture, Instant start, Instant received)
            throws Exception {
        Replay.store(tenant, metered(capture), received, start);
        return cycle.runTenant(tenant, received.plusSeconds(1));
    }
}
