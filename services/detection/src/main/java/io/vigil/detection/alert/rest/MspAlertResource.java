package io.vigil.detection.alert.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.service.AlertTriage;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.paging.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** An MSP's alerts across all its customers in one list: the triage queue, without one call per customer. */
@Path("/api/v1/msps/{mspId}/alerts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "alerts")
public class MspAlertResource {

    private final AlertTriage alerts;
    private final CurrentTenant tenant;

    public MspAlertResource(AlertTriage alerts, CurrentTenant tenant) {
        this.alerts = alerts;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Every customer's alerts of the MSP, latest activity first, one page at a time (platform-admin, the MSP's admins and analysts)")
    public Uni<Page<AlertView>> list(@PathParam("mspId") String mspId, @Valid @BeanParam AlertListParams params) {
        return alerts.listOfMsp(tenant.get(), mspId, params.cursor, params.limit, params.filter()).map(AlertView::page);
    }
}
