package io.vigil.detection.customer.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.service.Summaries;
import io.vigil.lib.api.auth.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** Every customer's figures of an MSP in one answer: what an MSP overview needs, in two queries rather than one call per customer. */
@Path("/api/v1/msps/{mspId}/summary")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "summary")
public class MspSummaryResource {

    private final Summaries summaries;
    private final BaselineStore baselines;
    private final CurrentTenant tenant;

    public MspSummaryResource(Summaries summaries, BaselineStore baselines, CurrentTenant tenant) {
        this.summaries = summaries;
        this.baselines = baselines;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Each customer's unresolved alerts by type and severity and its hosts per baseline state (platform-admin, the MSP's admins and analysts)")
    public Uni<MspSummaryView> get(@PathParam("mspId") String mspId) {
        return summaries.msp(tenant.get(), mspId).chain(read -> baselines.maturityOfMsp(mspId).map(maturity -> {
            List<CustomerFigures> figures = read.customers().stream().map(id -> CustomerFigures.of(id, mspId,
                    read.counts().getOrDefault(id, List.of()), maturity.getOrDefault(id, BaselineStore.noHosts()))).toList();
            return new MspSummaryView(mspId, figures);
        }));
    }
}
