package io.vigil.detection.rule.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.rule.service.RuleService;
import io.vigil.lib.api.auth.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** An MSP-wide allow-list: the MSP's own scanners, honoured for every one of its customers. */
@Path("/api/v1/msps/{mspId}/allowlist")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "allow-list")
public class MspAllowlistResource {

    private final RuleService rules;
    private final CurrentTenant tenant;

    public MspAllowlistResource(RuleService rules, CurrentTenant tenant) {
        this.rules = rules;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The MSP-wide allow-list (platform-admin, the MSP's admins and analysts; 404 for anyone else)")
    public Uni<List<RuleView>> list(@PathParam("mspId") String mspId) {
        return rules.list(tenant.get(), mspId, null, Rule.Kind.ALLOW);
    }

    @POST
    @Operation(summary = "Allow-list a source for every customer of the MSP; 201 with Location")
    public Uni<Response> create(@PathParam("mspId") String mspId, @Valid @NotNull RuleRequest body, @Context UriInfo uri) {
        return rules.create(tenant.get(), mspId, null, Rule.Kind.ALLOW, body)
                .map(v -> Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build());
    }

    @DELETE
    @Path("/{ruleId}")
    @Operation(summary = "Remove an MSP-wide allow-list entry; 204")
    public Uni<Response> delete(@PathParam("mspId") String mspId, @PathParam("ruleId") String ruleId) {
        return rules.delete(tenant.get(), mspId, null, Rule.Kind.ALLOW, ruleId).map(x -> Response.noContent().build());
    }
}
