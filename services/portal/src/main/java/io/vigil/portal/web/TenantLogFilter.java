package io.vigil.portal.web;

import io.vigil.lib.logging.TenantMdc;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Names the page's tenant in every log line it causes (MDC tenant_id, msp_id), as the services do: the customer or MSP
 * its path shows, else the signed-in person's own (Viewer's claims). Ids only; never a token or cookie.
 */
public class TenantLogFilter {

    private final Viewer viewer;

    public TenantLogFilter(Viewer viewer) {
        this.viewer = viewer;
    }

    @ServerRequestFilter
    public void putTenant(UriInfo uri) {
        TenantMdc.putRequest(uri.getPathParameters().getFirst("customerId"), uri.getPathParameters().getFirst("mspId"),
                viewer.tenantId(), viewer.mspId());
    }

    @ServerResponseFilter
    public void clearTenant() {
        TenantMdc.clear();
    }
}
