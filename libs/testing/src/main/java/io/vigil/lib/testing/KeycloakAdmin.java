package io.vigil.lib.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Keycloak's admin REST API of the dev realm, as the stack's bootstrap admin (VIGIL_KEYCLOAK_ADMIN, dev default
 * admin/admin), for tests that set up or inspect clients the realm file does not have.
 */
public final class KeycloakAdmin {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVER = Tokens.ISSUER.substring(0, Tokens.ISSUER.indexOf("/realms/"));
    /** The realm's admin base URL, e.g. http://127.0.0.1:18080/admin/realms/vigil. */
    public static final String REALM = SERVER + "/admin/realms/" + Tokens.ISSUER.substring(Tokens.ISSUER.lastIndexOf('/') + 1);

    private KeycloakAdmin() {
    }

    /** A bootstrap admin's token (master realm, admin-cli). */
    public static String adminToken() {
        String form = "grant_type=password&client_id=admin-cli&username=" + Tokens.enc(env("VIGIL_KEYCLOAK_ADMIN", "admin"))
                + "&password=" + Tokens.enc(env("VIGIL_KEYCLOAK_ADMIN_PASSWORD", "admin"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(SERVER + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak admin login failed: " + r.statusCode() + " " + r.body());
        }
        return json(r.body()).get("access_token").asText();
    }

    /** {@code method} on {@code path} under {@link #REALM} with {@code bearer}; {@code body} as JSON or null. */
    public static HttpResponse<String> call(String bearer, String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(REALM + path)).header("Authorization", "Bearer " + bearer);
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b);
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is unreachable (is scripts/stack up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
