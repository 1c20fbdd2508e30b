package io.vigil.sensor.export;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Access tokens for the sensor's client, by OAuth2 client credentials against the issuer's token endpoint (found
 * through OpenID discovery). A token is reused until {@link #REFRESH_MARGIN} before it expires, so every call starts
 * with one that has time left.
 */
public final class TokenSource implements AccessTokens {

    private static final Logger LOG = Logger.getLogger(TokenSource.class);
    /** Fetch a new token when the current one has less than this left. */
    static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    /** A token and when it expires (epoch ms). */
    public record Token(String value, long issuedAtMs, long expiresAtMs) {
        public long remainingMs() {
            return expiresAtMs - System.currentTimeMillis();
        }

        /** When a stream should be reopened with a fresh token: 20 s before expiry, or a third of a short life. */
        public boolean dueForRotation() {
            return remainingMs() < Math.min(20_000, (expiresAtMs - issuedAtMs) / 3);
        }
    }

    private final Credentials credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String tokenEndpoint;
    private Token current;

    public TokenSource(Credentials credentials) {
        this.credentials = credentials;
    }

    /** A token with at least the refresh margin left (or, for very short-lived tokens, a fresh one). */
    @Override
    public synchronized Token get() throws IOException, InterruptedException {
        if (current == null
                || current.remainingMs() < Math.min(REFRESH_MARGIN.toMillis(), (current.expiresAtMs - current.issuedAtMs) / 3)) {
            current = fetch();
        }
        return current;
    }

    /** Forget the current token (ingest said UNAUTHENTICATED): the next {@link #get} fetches one. */
    @Override
    public synchronized void invalidate() {
        current = null;
    }

    private Token fetch() throws IOException, InterruptedException {
        String endpoint = endpoint();
        String form = "grant_type=client_credentials&client_id=" + enc(credentials.clientId())
                + "&client_secret=" + enc(credentials.clientSecret());
        long now = System.currentTimeMillis();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("token endpoint " + endpoint + " refused client " + credentials.clientId()
                    + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        if (!o.has("access_token")) {
            throw new IOException("token endpoint " + endpoint + " returned no access_token");
        }
        long expiresIn = o.has("expires_in") ? o.get("expires_in").getAsLong() : 60;
        LOG.debugf("new access token for %s, valid %d s", credentials.clientId(), expiresIn);
        return new Token(o.get("access_token").getAsString(), now, now + expiresIn * 1000);
    }

    private String endpoint() throws IOException, InterruptedException {
        if (tokenEndpoint != null) {
            return tokenEndpoint;
        }
        if (credentials.tokenEndpoint() != null && !credentials.tokenEndpoint().isEmpty()) {
            tokenEndpoint = credentials.tokenEndpoint();
            return tokenEndpoint;
        }
        String issuer = credentials.issuer().replaceAll("/+$", "");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create(issuer + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
                if (o.has("token_endpoint")) {
                    tokenEndpoint = o.get("token_endpoint").getAsString();
                    return tokenEndpoint;
                }
            }
            LOG.warnf("OpenID discovery at %s answered HTTP %d; using Keycloak's token path", issuer, r.statusCode());
        } catch (RuntimeException e) {
            LOG.warnf("OpenID discovery at %s unreadable (%s); using Keycloak's token path", issuer, e.getMessage());
        }
        return issuer + "/protocol/openid-connect/token";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
