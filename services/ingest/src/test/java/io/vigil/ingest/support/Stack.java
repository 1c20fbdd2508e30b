package io.vigil.ingest.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The servers scripts/stack runs, as tests reach them: Keycloak tokens, ClickHouse queries, stopping a server. */
public final class Stack {

    public static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    public static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    public static final String DATABASE = env("VIGIL_CLICKHOUSE_DATABASE", "vigil");
    /** The nodes of scripts/stack cluster-up, in the order of its node names (ch-s1r1, ch-s1r2, ch-s2r1, ch-s2r2). */
    public static final List<String> CLUSTER_URLS = List.of(env("VIGIL_CLUSTER_URLS",
            "http://127.0.0.1:18131,http://127.0.0.1:18132,http://127.0.0.1:18133,http://127.0.0.1:18134").split(","));
    public static final String CLUSTER = env("VIGIL_CLUSTER_NAME", "vigil");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private Stack() {
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A client-credentials access token of a Keycloak client (the dev sensor clients' secret is dev-<client>). */
    public static String clientToken(String clientId) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc("dev-" + clientId);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("Keycloak refused a token for " + clientId + ": " + response.statusCode()
                    + " " + response.body() + " (is scripts/stack up?)");
        }
        return m.group(1);
    }

    /** A password-grant access token of a dev user (password dev-<username>) through the public vigil-cli client. */
    public static String userToken(String username) {
        String form = "grant_type=password&client_id=vigil-cli&username=" + enc(username) + "&password=" + enc("dev-" + username);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("Keycloak refused a token for user " + username + ": " + response.statusCode()
                    + " " + response.body());
        }
        return m.group(1);
    }

    /**
     * Makes sure the dev realm has a sensor client {@code sensor-<tenant>} (secret dev-sensor-<tenant>) for this
     * tenant, shaped like sensor-a1: created at run time through Keycloak's admin API, so the realm file stays as it
     * is. Returns its client id.
     */
    public static String sensorClient(String tenant, String msp) {
        String clientId = "sensor-" + tenant;
        String realm = ISSUER.substring(0, ISSUER.indexOf("/realms/"));
        String admin = realm + "/admin/realms/" + ISSUER.substring(ISSUER.lastIndexOf('/') + 1);
        String form = "grant_type=password&client_id=admin-cli&username=" + enc(env("VIGIL_KEYCLOAK_ADMIN", "admin"))
                + "&password=" + enc(env("VIGIL_KEYCLOAK_ADMIN_PASSWORD", "admin"));
        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(realm + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        Matcher m = ACCESS_TOKEN.matcher(login.body());
        if (login.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("Keycloak admin login failed: " + login.statusCode() + " " + login.body());
        }
        String bearer = "Bearer " + m.group(1);
        if (!new JsonArray(adminGet(admin + "/clients?clientId=" + enc(clientId), bearer)).isEmpty()) {
            return clientId;
        }
        JsonObject client = new JsonArray(adminGet(admin + "/clients?clientId=sensor-a1", bearer)).getJsonObject(0).copy();
        client.remove("id");
        client.put("clientId", clientId).put("name", clientId).put("secret", "dev-" + clientId);
        Map<String, String> claims = Map.of("tenant_id", tenant, "sensor_id", clientId, "msp_id", msp);
        for (Object o : client.getJsonArray("protocolMappers")) {
            JsonObject mapper = (JsonObject) o;
            mapper.remove("id");
            String claim = mapper.getJsonObject("config").getString("claim.name");
            if (claims.containsKey(claim)) {
                mapper.getJsonObject("config").put("claim.value", claims.get(claim));
            }
        }
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(admin + "/clients"))
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(client.encode())).build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Keycloak refused client " + clientId + ": " + created.statusCode() + " " + created.body());
        }
        String id = new JsonArray(adminGet(admin + "/clients?clientId=" + enc(clientId), bearer)).getJsonObject(0).getString("id");
        String user = new JsonObject(adminGet(admin + "/clients/" + id + "/service-account-user", bearer)).getString("id");
        String role = adminGet(admin + "/roles/sensor", bearer);
        HttpResponse<String> granted = send(HttpRequest.newBuilder(URI.create(admin + "/users/" + user + "/role-mappings/realm"))
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + role + "]")).build());
        if (granted.statusCode() != 204) {
            throw new IllegalStateException("Keycloak refused role sensor for " + clientId + ": " + granted.body());
        }
        return clientId;
    }

    private static String adminGet(String url, String bearer) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer).GET().build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak admin API " + url + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** Runs a query on ClickHouse over HTTP and returns its TabSeparated text, trimmed. */
    public static String clickhouse(String sql) {
        return clickhouseAt(CLICKHOUSE, sql);
    }

    /** The same on the ClickHouse server at {@code url} (a cluster node). */
    public static String clickhouseAt(String url, String sql) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                        URI.create(url + "/?database=" + enc(DATABASE)))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse: " + response.statusCode() + " " + response.body());
        }
        return response.body().trim();
    }

    public static long clickhouseLong(String sql) {
        return Long.parseLong(clickhouse(sql));
    }

    /** Runs scripts/stack with arguments, failing the test if it fails. */
    public static void stack(String... args) {
        Path script = repoRoot().resolve("scripts/stack");
        String[] command = new String[args.length + 1];
        command[0] = script.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("scripts/stack " + String.join(" ", args) + " exited " + p.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("scripts/stack").toFile().exists()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find scripts/stack above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " is unreachable (is scripts/stack up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
