package io.vigil.sensor.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vigil.sensor.export.Credentials;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code vigil-sensor enroll}: turns a one-time enrollment token (or, for now, client credentials) into stored credentials. */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Store this sensor's credentials (mode 0600) in its config directory.",
            "Either redeem a one-time enrollment token at the tenants service (--url and --token), or give the "
                    + "Keycloak client credentials directly (--client-id, --client-secret, --issuer) until "
                    + "enrollment tokens are issued."},
        footer = {"", "Examples:",
            "  vigil-sensor enroll --url https://vigil.example.net --token vet_...",
            "  vigil-sensor enroll --config-dir /etc/vigil-sensor --client-id sensor-a1 --client-secret dev-sensor-a1 \\",
            "      --issuer http://127.0.0.1:18080/realms/vigil --ingest 127.0.0.1:18090",
            "", "Exit status: 0 enrolled, 1 enrollment refused or unreachable, 2 bad usage."})
public final class EnrollCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--url", paramLabel = "URL", description = "The tenants service's base URL (POST /api/v1/sensors/enroll).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The one-time enrollment token the portal showed.")
    String token;

    @Option(names = "--client-id", paramLabel = "ID", description = "The sensor's Keycloak client id.")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "Its secret. Prefer --client-secret-file: a command line is visible to other users.")
    String clientSecret;

    @Option(names = "--client-secret-file", paramLabel = "FILE", description = "Read the secret from this file.")
    java.nio.file.Path clientSecretFile;

    @Option(names = "--issuer", paramLabel = "URL", description = "The Keycloak realm URL that issues its tokens.")
    String issuer;

    @Option(names = "--ingest", paramLabel = "HOST:PORT", description = "Ingest's address, stored with the credentials.")
    String ingest;

    @Override
    public Integer call() throws Exception {
        Credentials creds;
        if (url != null || token != null) {
            if (url == null || token == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--url and --token go together");
            }
            try {
                creds = redeem();
            } catch (IOException e) {
                System.err.println("vigil-sensor enroll: " + e.getMessage());
                return 1;
            }
        } else {
            String secret = clientSecret;
            if (secret == null && clientSecretFile != null) {
                secret = java.nio.file.Files.readString(clientSecretFile).trim();
            }
            if (clientId == null || secret == null || issuer == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --url and --token, or --client-id, --client-secret (or --client-secret-file) and --issuer");
            }
            creds = new Credentials(clientId, secret, issuer.replaceAll("/+$", ""), "", "", clientId,
                    ingest == null ? "" : ingest);
        }
        creds.store(common.configDir());
        System.err.println("vigil-sensor enroll: enrolled as " + creds.clientId()
                + (creds.tenant().isEmpty() ? "" : " (tenant " + creds.tenant() + ")")
                + "; credentials in " + Credentials.file(common.configDir()));
        return 0;
    }

    private Credentials redeem() throws IOException, InterruptedException {
        String endpoint = url.replaceAll("/+$", "") + "/api/v1/sensors/enroll";
        JsonObject body = new JsonObject();
        body.addProperty("token", token);
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(endpoint + " refused the enrollment token: HTTP " + r.statusCode() + " " + r.body());
        }
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        String id = text(o, "clientId");
        String secret = text(o, "clientSecret");
        String iss = text(o, "issuer");
        String tokenEndpoint = text(o, "tokenEndpoint");
        if (id.isEmpty() || secret.isEmpty() || (iss.isEmpty() && tokenEndpoint.isEmpty())) {
            throw new IOException(endpoint + " answered without clientId, clientSecret and issuer/tokenEndpoint");
        }
        String ingestAddr = ingest != null ? ingest : text(o, "ingestAddress");
        return new Credentials(id, secret, iss, tokenEndpoint, text(o, "tenantId"), text(o, "sensorId"), ingestAddr);
    }

    private static String text(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : "";
    }
}
