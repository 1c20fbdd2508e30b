package io.vigil.portal.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;

/**
 * Headers on every answer of the portal, and sign-out by POST only, both ahead of authentication. The policy allows
 * the portal's own files and nothing inline (no script, no style attribute), no framing (clickjacking), forms only to
 * the portal and, for sign-out's redirect, to Keycloak; the referrer stays within the portal. A GET of the sign-out
 * path (a link or image on another site) signs nobody out: it goes to the overview.
 */
@ApplicationScoped
public class SecurityHeaders {

    /** Ahead of CORS (300) and authentication (200). */
    static final int PRIORITY = 400;

    private final String policy;
    private final String logoutPath;

    public SecurityHeaders(@ConfigProperty(name = "vigil.oidc.issuer") String issuer,
                           @ConfigProperty(name = "quarkus.oidc.logout.path") String logoutPath) {
        URI auth = URI.create(issuer);
        String authOrigin = auth.getScheme() + "://" + auth.getRawAuthority();
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
                + " base-uri 'none'; frame-ancestors 'none'; form-action 'self' " + authOrigin;
        this.logoutPath = logoutPath;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        response.putHeader("Content-Security-Policy", policy)
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (logoutPath.equals(rc.normalizedPath()) && rc.request().method() != HttpMethod.POST) {
            response.setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/").end();
            return;
        }
        rc.next();
    }
}
