package io.vigil.tenants.msp.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Page;
import io.vigil.tenants.customer.rest.CustomerResource;
import io.vigil.tenants.idempotency.service.Idempotency;
import io.vigil.tenants.msp.service.MspService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** MSPs, the top of the tenancy tree: platform-admin sees and onboards them all; an MSP's admins and analysts see their own. */
@Path("/api/v1/msps")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST})
@Tag(name = "msps")
public class MspResource {

    private final MspService msps;
    private final Idempotency idempotency;
    private final CurrentTenant tenant;

    public MspResource(MspService msps, Idempotency idempotency, CurrentTenant tenant) {
        this.msps = msps;
        this.idempotency = idempotency;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "List the MSPs the caller may see (platform-admin: all; MSP roles: their own), in id order")
    public Uni<Page<MspView>> list(
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        return msps.list(tenant.get(), cursor, limit);
    }

    @POST
    @RolesAllowed(PLATFORM_ADMIN)
    @APIResponse(responseCode = "201", description = "Created; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MspView.class)))
    @Operation(summary = "Onboard an MSP (platform-admin only); its id is the msp_id its people and clients carry in Keycloak")
    public Uni<Response> create(@Valid @NotNull MspCreate body,
                                @Parameter(description = "retry-safe key; the same key with the same body replays the first response")
                                @HeaderParam(CustomerResource.IDEMPOTENCY_KEY) String key) {
        TenantContext ctx = tenant.get();
        return idempotency.run(ctx, key, "POST /api/v1/msps", body, () -> msps.create(ctx, body)
                .map(m -> new Idempotency.Outcome(201, "/api/v1/msps/" + m.id, MspView.of(m))));
    }

    @GET
    @Path("/{mspId}")
    @Operation(summary = "One MSP; 404 when it does not exist or is not the caller's")
    public Uni<MspView> get(@PathParam("mspId") String mspId) {
        return msps.get(tenant.get(), mspId);
    }
}
