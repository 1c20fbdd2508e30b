package io.vigil.tenants.openapi;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vigil.lib.testing.OpenApiSnapshot;
import io.vigil.tenants.customer.rest.CustomerResource;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published OpenAPI document describes every endpoint of the REST resources (found by reflection over the
 * compiled classes, so a new endpoint cannot be forgotten), each with its security and its problem+json errors.
 */
@QuarkusTest
class OpenApiIT {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final String PROBLEM = "application/problem+json";
    /** The enrollment token is their credential (in the body, or the query); the operations without a bearer token. */
    private static final Set<String> PUBLIC = Set.of("POST /api/v1/sensors/enroll", "GET /api/v1/sensor-package",
            "GET /install");

    @Test
    void everyResourceEndpointIsPublishedAndNothingElse() throws Exception {
        Set<String> code = resourceEndpoints();
        assertTrue(code.size() >= 18, "found only " + code);
        Set<String> published = new TreeSet<>(spec().<String, Map<String, Object>>getMap("paths").entrySet().stream()
                .flatMap(e -> e.getValue().keySet().stream().filter(METHODS::contains).map(m -> m.toUpperCase() + " " + e.getKey()))
                .toList());
        Set<String> missing = new TreeSet<>(code);
        missing.removeAll(published);
        assertTrue(missing.isEmpty(), "endpoints missing from /q/openapi: " + missing);
        assertEquals(code, published);
    }

    @Test
    void everyOperationDeclaresItsSecurityAndProblemJsonErrors() {
        JsonPath spec = spec();
        assertEquals("bearer", spec.getString("components.securitySchemes.keycloak.scheme"));
        Map<String, Map<String, Map<String, Object>>> paths = spec.getMap("paths");
        List<String> wrong = new ArrayList<>();
        paths.forEach((path, ops) -> ops.forEach((method, raw) -> {
            if (!METHODS.contains(method)) {
                return;
            }
            String op = method.toUpperCase() + " " + path;
            String at = "paths.'" + path + "'." + method;
            List<Map<String, List<String>>> security = spec.getList(at + ".security");
            if (PUBLIC.contains(op)) {
                if (security == null || !security.isEmpty()) {
                    wrong.add(op + ": must declare that it needs no bearer token (security: []), has " + security);
                }
            } else if (security == null || security.isEmpty() || !security.get(0).containsKey("keycloak")) {
                wrong.add(op + ": no bearer security requirement");
            }
            Map<String, Map<String, Object>> responses = spec.getMap(at + ".responses");
            if (responses.keySet().stream().noneMatch(s -> s.startsWith("2"))) {
                wrong.add(op + ": no success response");
            }
            List<String> needed = new ArrayList<>(List.of("401", "500"));
            if (!PUBLIC.contains(op)) {
                needed.add("403");
            }
            if (path.contains("{")) {
                needed.add("404");
            }
            if (spec.get(at + ".requestBody") != null || spec.getList(at + ".parameters.findAll { it.in == 'query' }").size() > 0) {
                needed.add("400");
            }
            needed.stream().filter(s -> !responses.containsKey(s)).forEach(s -> wrong.add(op + ": no " + s + " response"));
            responses.forEach((status, r) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    String ref = spec.getString(at + ".responses.'" + status + "'.content.'" + PROBLEM + "'.schema.$ref");
                    if (!"#/components/schemas/Problem".equals(ref)) {
                        wrong.add(op + " " + status + ": not described as " + PROBLEM + " Problem (" + ref + ")");
                    }
                }
            });
        }));
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(List.of("type", "title", "status"), spec.getList("components.schemas.Problem.required"));
    }

    /**
     * The published document equals the reviewed copy in src/test/resources/openapi/tenants-v1.json. After a deliberate
     * API change, refresh it with -Dvigil.openapi.update=true and review the diff.
     */
    @Test
    void publishedSpecMatchesTheReviewedSnapshot() throws IOException {
        OpenApiSnapshot.assertMatches(Paths.get("src", "test", "resources", "openapi", "tenants-v1.json"));
    }

    @Test
    void swaggerUiIsServed() {
        RestAssured.get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }

    private static JsonPath spec() {
        return RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
    }

    /** "METHOD /path" of every resource method in the service's compiled classes. */
    private static Set<String> resourceEndpoints() throws IOException {
        // Maven runs tests in the module directory; Quarkus' test class loader gives classes no code source to ask.
        java.nio.file.Path root = Paths.get("target", "classes");
        assertTrue(Files.isDirectory(root.resolve("io/vigil/tenants")), "compiled classes not found in " + root.toAbsolutePath());
        Set<String> endpoints = new TreeSet<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, CustomerResource.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                Path base = type.getAnnotation(Path.class);
                if (base == null) {
                    continue;
                }
                for (Method m : type.getDeclaredMethods()) {
                    for (Annotation a : m.getAnnotations()) {
                        HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
                        if (http != null) {
                            Path sub = m.getAnnotation(Path.class);
                            endpoints.add(http.value() + " " + join(base.value(), sub == null ? "" : sub.value()));
                        }
                    }
                }
            }
        }
        return endpoints;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
