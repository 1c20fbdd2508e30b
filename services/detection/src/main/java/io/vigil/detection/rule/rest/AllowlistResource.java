package io.vigil.detection.rule.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.customer.service.CustomerDirectory;
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

/** A customer's allow-list: known scanners (a vulnerability scanner, say) whose findings never alert. */
@Path("/api/v1/customers/{customerId}/allowlist")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "allow-list")
public class AllowlistResource {

    private final RuleService rules;
    private final CustomerDirectory directory;
    private final CurrentTenant tenant;

    public AllowlistResource(RuleService rules, CustomerDirectory directory, CurrentTenant tenant) {
        this.rules = rules;
        this.directory = directory;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The customer's own allow-list entries (its MSP's MSP-wide ones apply too)")
    public Uni<List<RuleView>> list(@PathParam("customerId") String customerId) {
        return directory.known(tenant.get(), customerId, () -> rules.list(tenant.get(), null, customerId, Rule.Kind.ALLOW));
    }

    @POST
    @Operation(summary = "Allow-list a source (platform-admin, msp-admin, msp-analyst); no port or type; 201 with Location")
    public Uni<Response> create(@PathParam("customerId") String customerId, @Valid @NotNull RuleRequest body, @Context UriInfo uri) {
        return directory.known(tenant.get(), customerId, () -> rules.create(tenant.get(), null, customerId, Rule.Kind.ALLOW, body))
                .map(v -> Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build());
    }

    @DELETE
    @Path("/{ruleId}")
    @Operation(summary = "Remove an allow-list entry (platform-admin, msp-admin, msp-analyst); 204")
    public Uni<Response> delete(@PathParam("customerId") String customerId, @PathParam("ruleId") String ruleId) {
        return directory.known(tenant.get(), customerId, () -> rules.delete(tenant.get(), null, customerId, Rule.Kind.ALLOW, ruleId))
                .map(x -> Response.noContent().build());
    }
}
