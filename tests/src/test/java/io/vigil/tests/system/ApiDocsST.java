package io.vigil.tests.system;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged services (prod profile, as `scripts/services` and the k8s images run them) serve the API documentation
 * that the README and `scripts/demo` point to: the Swagger UI and the OpenAPI document, without a token.
 */
class ApiDocsST {

    private static final Path WORK = SystemStack.ROOT.resolve("tests/target/api-docs-st");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void tenantsAndDetectionServeSwaggerUiAndTheirOpenApiDocument() throws Exception {
        Files.createDirectories(WORK);
        int tenantsPort = SystemStack.freePort();
        int detectionPort = SystemStack.freePort();
        Process tenants = SystemStack.startTenants(tenantsPort, WORK.resolve("tenants.log"));
        Process detection = null;
        try {
            detection = SystemStack.startDetection(detectionPort, "vigil", Map.of("VIGIL_NOTIFY_ENABLED", "false"),
                    WORK.resolve("detection.log"));
            for (Map.Entry<String, Integer> s : Map.of("tenants", tenantsPort, "detection", detectionPort).entrySet()) {
                String base = "http://127.0.0.1:" + s.getValue();
                HttpResponse<String> ui = get(base + "/q/swagger-ui/");
                assertEquals(200, ui.statusCode(), s.getKey() + " /q/swagger-ui/");
                assertTrue(ui.body().contains("swagger-ui"), s.getKey() + ": " + ui.body());
                HttpResponse<String> doc = get(base + "/q/openapi?format=json");
                assertEquals(200, doc.statusCode(), s.getKey() + " /q/openapi");
                assertTrue(doc.body().contains("Vigil " + s.getKey() + " API"), s.getKey() + ": the document's title");
            }
        } finally {
            SystemStack.stop(detection);
            SystemStack.stop(tenants);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
