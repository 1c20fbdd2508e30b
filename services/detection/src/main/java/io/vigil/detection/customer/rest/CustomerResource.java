package io.vigil.detection.customer.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.customer.service.Summaries;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
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

/** The per-customer summary: unresolved alerts by type and severity, and how far its hosts' baselines have learned. */
@Path("/api/v1/customers/{customerId}/summary")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "summary")
public class CustomerResource {

    private final CustomerDirectory directory;
    private final Summaries summaries;
    private final BaselineStore baselines;
    private final CurrentTenant tenant;

    public CustomerResource(CustomerDirectory directory, Summaries summaries, BaselineStore baselines, CurrentTenant tenant) {
        this.directory = directory;
        this.summaries = summaries;
        this.baselines = baselines;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Unresolved alerts by type and severity, baseline maturity of the customer's hosts, and where its networks came from")
    public Uni<SummaryView> get(@PathParam("customerId") String customerId) {
        TenantContext ctx = tenant.get();
        return directory.known(ctx, customerId, () -> summaries.customer(ctx, customerId))
                .chain(counts -> directory.find(customerId).chain(c -> baselines.maturity(customerId)
                        .map(m -> SummaryView.of(CustomerFigures.of(customerId, c.mspId(), counts, m), c))));
    }
}
