package io.vigil.lib.api.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Builds the request's TenantContext once, from the verified bearer token and nothing the client sends otherwise. */
@RequestScoped
public class CurrentTenant {

    private final SecurityIdentity identity;
    private final JsonWebToken jwt;
    private final RoutingContext routing;
    private final TokenRoles roles;
    private TenantContext context;

    public CurrentTenant(SecurityIdentity identity, JsonWebToken jwt, RoutingContext routing, TokenRoles roles) {
        this.identity = identity;
        this.jwt = jwt;
        this.routing = routing;
        this.roles = roles;
    }

    public TenantContext get() {
        if (context == null) {
            context = new TenantContext(role(), claim("msp_id"), claim("tenant_id"), actor(), sourceIp(routing));
        }
        return context;
    }

    private Role role() {
        return Role.strongest(roles.strongestFirst(), identity::hasRole);
    }

    private String claim(String name) {
        Object value = jwt.getClaim(name);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    /**
     * The person's username, or for a client-credentials token (an MSP's automation, another service) the client id
     * rather than Keycloak's "service-account-" user name, so audit and idempotency name the client itself.
     */
    private String actor() {
        String user = claim("preferred_username");
        String client = claim("client_id");
        if (client != null && ("service-account-" + client).equals(user)) {
            return client;
        }
        return user != null ? user : identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    /** The peer address (a proxy in front must be configured with quarkus.http.proxy.* to pass the client's). */
    public static String sourceIp(RoutingContext routing) {
        return routing.request().remoteAddress() == null ? null : routing.request().remoteAddress().hostAddress();
    }
}
