package io.vigil.tenants.sensor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vigil.lib.testing.Api;
import io.vigil.tenants.sensor.service.SensorHeartbeats;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With ClickHouse unreachable (a closed port here; the shared server is never stopped), sensors still list, with the
 * heartbeat fields null, and a warning is logged.
 */
@QuarkusTest
@TestProfile(HeartbeatsUnavailableIT.ClickHouseUnreachable.class)
class HeartbeatsUnavailableIT {

    /** ClickHouse at a port nothing listens on. */
    public static class ClickHouseUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vigil.clickhouse.url", "http://127.0.0.1:1");
        }
    }

    @Test
    void sensorsStillListWithHeartbeatFieldsNullAndAWarning() {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(SensorHeartbeats.class.getName());
        logger.addHandler(capture);
        try {
            String customer = Api.as("msp-b-admin").body(Map.of("name", Api.unique("NoClickHouse"))).post("/api/v1/customers")
                    .then().statusCode(201).extract().path("id");
            String sensor = Api.as("msp-b-admin").body(Map.of("name", "s")).post("/api/v1/customers/" + customer + "/sensors")
                    .then().statusCode(201).extract().path("sensor.id");
            long start = System.nanoTime();
            Api.as("msp-b-analyst").get("/api/v1/customers/" + customer + "/sensors").then().statusCode(200)
                    .body("id", equalTo(List.of(sensor))).body("[0].status", equalTo("PENDING"))
                    .body("[0].lastSeen", nullValue()).body("[0].version", nullValue()).body("[0].interfaces", nullValue());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "the list must not wait for ClickHouse");
            Api.as("msp-b-admin").get("/api/v1/customers/" + customer + "/sensors/" + sensor).then().statusCode(200)
                    .body("lastSeen", nullValue());
            assertTrue(warnings.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains("sensor heartbeats unavailable")
                            || String.valueOf(formatted(r)).contains("sensor heartbeats unavailable")),
                    "a warning must say heartbeats are unavailable; got " + warnings.stream().map(HeartbeatsUnavailableIT::formatted).toList());
        } finally {
            logger.removeHandler(capture);
        }
    }

    private static String formatted(LogRecord r) {
        return r instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : r.getMessage();
    }
}
