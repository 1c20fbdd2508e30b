package io.vigil.lib.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Real access tokens from the stack's Keycloak: dev users by password grant (vigil-cli), clients by client credentials. */
public final class Tokens {

    public static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private record Cached(String token, long until) {
    }

    private Tokens() {
    }

    /** A dev user's token (password dev-<username>), reused for up to 4 of its 5 minutes. */
    public static String user(String username) {
        return cached("user:" + username, () -> "grant_type=password&client_id=vigil-cli&username=" + enc(username)
                + "&password=" + enc("dev-" + username));
    }

    /** A client-credentials token of a dev client whose secret is dev-<clientId>. */
    public static String devClient(String clientId) {
        return client(clientId, "dev-" + clientId);
    }

    public static String client(String clientId, String secret) {
        return cached("client:" + clientId + ":" + secret, () -> "grant_type=client_credentials&client_id=" + enc(clientId)
                + "&client_secret=" + enc(secret));
    }

    /** The raw token endpoint answer (status and body), for refusals. */
    public static HttpResponse<String> request(String form) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is unreachable (is scripts/stack up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token's decoded payload. */
    public static JsonNode claims(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String cached(String key, java.util.function.Supplier<String> form) {
        Cached c = CACHE.get(key);
        if (c != null && c.until > System.currentTimeMillis()) {
            return c.token;
        }
        HttpResponse<String> response = request(form.get());
        try {
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !body.has("access_token")) {
                throw new IllegalStateException("Keycloak refused a token for " + key + ": " + response.statusCode() + " " + response.body());
            }
            String token = body.get("access_token").asText();
            CACHE.put(key, new Cached(token, System.currentTimeMillis() + 240_000));
            return token;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
