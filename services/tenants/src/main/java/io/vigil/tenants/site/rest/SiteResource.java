package io.vigil.tenants.site.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.customer.rest.CustomerResource;
import io.vigil.tenants.idempotency.service.Idempotency;
import io.vigil.tenants.site.service.SiteService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** Sites (locations) of a customer. */
@Path("/api/v1/customers/{customerId}/sites")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "sites")
public class SiteResource {

    private final SiteService sites;
    private final Idempotency idempotency;
    private final CurrentTenant tenant;

    public SiteResource(SiteService sites, Idempotency idempotency, CurrentTenant tenant) {
        this.sites = sites;
        this.idempotency = idempotency;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The customer's sites")
    public Uni<List<SiteView>> list(@PathParam("customerId") String customerId) {
        return sites.list(tenant.get(), customerId);
    }

    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SiteView.class)))
    @Operation(summary = "Add a site")
    public Uni<Response> create(@PathParam("customerId") String customerId, @Valid @NotNull SiteCreate body,
                                @HeaderParam(CustomerResource.IDEMPOTENCY_KEY) String key) {
        TenantContext ctx = tenant.get();
        return idempotency.run(ctx, key, "POST /api/v1/customers/" + customerId + "/sites", body,
                () -> sites.create(ctx, customerId, body).map(s -> new Idempotency.Outcome(201,
                        "/api/v1/customers/" + customerId + "/sites/" + s.id, SiteView.of(s))));
    }

    @GET
    @Path("/{siteId}")
    @Operation(summary = "One site")
    public Uni<SiteView> get(@PathParam("customerId") String customerId, @PathParam("siteId") String siteId) {
        return sites.get(tenant.get(), customerId, siteId);
    }
}
