package io.vigil.detection.baseline.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.model.Networks;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
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


/** One internal host's learned behaviour: maturity and its hour-of-week profile. */
@Path("/api/v1/customers/{customerId}/hosts/{ip}/baseline")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "baselines")
public class BaselineResource {

    private final BaselineStore baselines;
    private final CustomerAccess access;
    private final CustomerDirectory directory;
    private final CurrentTenant tenant;

    public BaselineResource(BaselineStore baselines, CustomerAccess access, CustomerDirectory directory, CurrentTenant tenant) {
        this.baselines = baselines;
        this.access = access;
        this.directory = directory;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The host's baseline: LEARNING or MATURE, learning end, and per metric its p50/p99 overall and per hour of the week")
    public Uni<BaselineView> get(@PathParam("customerId") String customerId, @PathParam("ip") String ip) {
        return directory.known(tenant.get(), customerId, () -> access.requireVisible(tenant.get(), customerId))
                .chain(c -> {
                    if (!ip.matches("[0-9A-Fa-f:.]{2,45}") || !Networks.isLiteral(ip)) {
                        throw ProblemException.badRequest("ip: not an IP address: " + ip);
                    }
                    return baselines.find(c.id, ip);
                })
                .onItem().ifNull().failWith(() -> ProblemException.notFound("baseline of host", ip))
                .map(BaselineView::of);
    }
}
