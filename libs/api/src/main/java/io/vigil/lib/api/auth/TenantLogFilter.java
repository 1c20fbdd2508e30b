package io.vigil.lib.api.auth;

import io.vigil.lib.logging.TenantMdc;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Names the request's tenant in every log line it causes (MDC tenant_id, msp_id): the customer or MSP its path acts
 * on, else the caller's own from the verified token. Ids only; the token itself is never put there. At DEBUG it also
 * logs one line per answered request (method, path, status), within that scope.
 */
public class TenantLogFilter {

    private static final Logger LOG = Logger.getLogger(TenantLogFilter.class);

    private final JsonWebToken jwt;

    public TenantLogFilter(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    @ServerRequestFilter
    public void putTenant(UriInfo uri) {
        TenantMdc.putRequest(uri.getPathParameters().getFirst("customerId"), uri.getPathParameters().getFirst("mspId"),
                claim("tenant_id"), claim("msp_id"));
    }

    /** The request's context ends with it; clearing also covers a thread-local MDC outside a Vert.x context. */
    @ServerResponseFilter
    public void clearTenant(ContainerRequestContext request, ContainerResponseContext response) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("%s %s answered %d", request.getMethod(), request.getUriInfo().getPath(), response.getStatus());
        }
        TenantMdc.clear();
    }

    private String claim(String name) {
        Object value = jwt.getClaim(name);
        return value == null ? null : value.toString();
    }
}
