package io.vigil.portal.browser;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.lib.testing.OtlpReceiver;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing through the portal: with tracing turned on in the portal, tenants and detection (their documented settings,
 * exporting to an in-test OTLP/HTTP receiver that stands in for a collector), a signed-in user's overview page is one
 * trace: the portal's server span, and the server spans of tenants (the customers) and detection (their summaries)
 * under it, reached through W3C {@code traceparent} on the portal's REST clients. No span attribute carries the
 * user's token.
 */
@QuarkusTest
@QuarkusTestResource(value = Services.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tracing", value = "true"))
class PortalTracingIT {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    @InjectServices
    Services services;

    @Test
    void anOverviewRequestIsOneTraceAcrossPortalTenantsAndDetection() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        // Signing in (the authorization code flow through Keycloak's login form) lands on the overview.
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(PortalIT.PORTAL + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher action = FORM_ACTION.matcher(login.body());
        assertTrue(action.find(), "Keycloak's login form: " + login.statusCode());
        String form = "username=a1-viewer&password=" + URLEncoder.encode("dev-a1-viewer", StandardCharsets.UTF_8)
                + "&credentialId=";
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, signedIn.statusCode(), signedIn.body());
        assertTrue(signedIn.uri().toString().startsWith(PortalIT.PORTAL), "back on the portal: " + signedIn.uri());

        HttpResponse<String> overview = browser.send(HttpRequest.newBuilder(URI.create(PortalIT.PORTAL + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, overview.statusCode());

        OtlpReceiver collector = services.collector();
        Duration wait = Duration.ofSeconds(30);
        // The tenants span under a portal request (the customers list) ...
        OtlpReceiver.Span tenants = collector.await(s -> s.service().equals("vigil-tenants")
                && s.kind() == OtlpReceiver.Span.SERVER && hasPortalServerSpan(collector, s.traceId()), wait,
                "of vigil-tenants' server in a trace the portal's server started");
        String traceId = tenants.traceId();
        // ... and detection's (the summaries) in the very same trace.
        OtlpReceiver.Span detection = collector.await(s -> s.service().equals("vigil-detection")
                && s.kind() == OtlpReceiver.Span.SERVER && s.traceId().equals(traceId), wait,
                "of vigil-detection's server in trace " + traceId);
        OtlpReceiver.Span portal = collector.await(s -> s.service().equals("vigil-portal")
                && s.kind() == OtlpReceiver.Span.SERVER && s.traceId().equals(traceId), wait, "of the portal");
        assertTrue(portal.parentSpanId().isEmpty(), "the portal's request starts the trace: " + portal);
        assertFalse(tenants.parentSpanId().isEmpty(), "tenants' span has the portal's client span as parent");
        assertFalse(detection.parentSpanId().isEmpty(), "detection's span has the portal's client span as parent");

        for (OtlpReceiver.Span span : collector.spans()) {
            for (Map.Entry<String, String> a : span.attributes().entrySet()) {
                assertFalse(a.getValue().toLowerCase().contains("bearer") || a.getValue().contains("eyJ"),
                        "no token in span attribute " + a.getKey() + " of " + span.service() + " " + span.name());
            }
        }
    }

    /**
     * A browser's cookie jar on loopback: Keycloak marks its login cookies Secure, which a browser still sends to
     * http://127.0.0.1 (a secure context) and Java's CookieManager does not; so the flag is dropped as they arrive.
     */
    private static final class LoopbackCookies extends CookieHandler {
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
            return cookies.get(uri, requestHeaders);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
            Map<String, List<String>> headers = new HashMap<>();
            responseHeaders.forEach((name, values) -> headers.put(name, name != null && name.equalsIgnoreCase("set-cookie")
                    ? values.stream().map(v -> v.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
            cookies.put(uri, headers);
        }
    }

    private static boolean hasPortalServerSpan(OtlpReceiver collector, String traceId) {
        return collector.spans().stream().anyMatch(s -> s.service().equals("vigil-portal")
                && s.kind() == OtlpReceiver.Span.SERVER && s.traceId().equals(traceId));
    }
}
