package io.vigil.tenants.observability;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vigil.lib.api.auth.TenantLogFilter;
import io.vigil.lib.testing.Tokens;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenants' metrics and logs as operations read them: Prometheus text on /q/metrics counting the requests served, and
 * log lines of a request that name its tenant (MDC) and never carry the caller's bearer token, with the security and
 * OIDC categories asked for DEBUG: OIDC's DEBUG lines print whole tokens, so application.properties keeps io.quarkus.oidc
 * at INFO at least (min-level), whatever a run sets.
 */
@QuarkusTest
@TestProfile(ObservabilityIT.Verbose.class)
class ObservabilityIT {

    /** DEBUG for Vigil, OIDC and HTTP security. */
    public static class Verbose implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.vigil\".level", "DEBUG",
                    "quarkus.log.category.\"io.quarkus.oidc\".level", "DEBUG",
                    "quarkus.log.category.\"io.quarkus.security\".level", "DEBUG",
                    "quarkus.log.category.\"io.quarkus.vertx.http.runtime.security\".level", "DEBUG");
        }
    }

    @Test
    void metricsServePrometheusTextCountingTheRequestsServed() {
        RestAssured.given().auth().oauth2(Tokens.user("msp-a-admin")).get("/api/v1/customers/a1").then().statusCode(200);
        RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/api/v1/customers/{customerId}\""));
    }

    @Test
    void aRequestsLogLinesNameItsTenantAndNeverTheBearerToken() {
        String token = Tokens.user("msp-a-admin");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r instanceof ExtLogRecord ext) {
                    ext.copyMdc(); // the MDC as it is now, on the request's own context
                }
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            RestAssured.given().auth().oauth2(token).get("/api/v1/customers/a1").then().statusCode(200);
            RestAssured.given().auth().oauth2(token).get("/api/v1/customers/b1").then().statusCode(404);
            RestAssured.given().auth().oauth2(token + "x").get("/api/v1/customers/a1").then().statusCode(401);
        } finally {
            root.removeHandler(capture);
        }

        List<ExtLogRecord> requestLines = records.stream().filter(r -> r instanceof ExtLogRecord)
                .map(r -> (ExtLogRecord) r).filter(r -> TenantLogFilter.class.getName().equals(r.getLoggerName())).toList();
        assertTrue(requestLines.stream().anyMatch(r -> r.getFormattedMessage().contains("/api/v1/customers/a1 answered 200")
                        && "a1".equals(r.getMdc("tenant_id")) && "msp-a".equals(r.getMdc("msp_id"))),
                "the request's line names customer a1 of msp-a: " + describe(requestLines));
        assertTrue(requestLines.stream().anyMatch(r -> r.getFormattedMessage().contains("/api/v1/customers/b1 answered 404")
                        && "b1".equals(r.getMdc("tenant_id"))),
                "a refused request names the customer it asked for: " + describe(requestLines));

        String[] parts = token.split("\\.");
        for (LogRecord r : records) {
            String text = describe(List.of(r));
            assertFalse(text.contains(parts[1]) || text.contains(parts[2]), "a log line carries the token: " + text);
        }
    }

    /** Everything a log line could print: its formatted message, its MDC and its exception's messages. */
    private static String describe(List<? extends LogRecord> records) {
        StringBuilder out = new StringBuilder();
        for (LogRecord r : records) {
            if (r instanceof ExtLogRecord ext) {
                out.append(ext.getLoggerName()).append(' ').append(ext.getFormattedMessage()).append(' ').append(ext.getMdcCopy());
            } else {
                out.append(r.getLoggerName()).append(' ').append(r.getMessage());
            }
            for (Throwable t = r.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                out.append(' ').append(t);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
