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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** A customer's suppressions: findings of a source (CIDR) matching port and type stop alerting until expiry. */
@Path("/api/v1/customers/{customerId}/suppressions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "suppressions")
public class SuppressionResource {

    private final RuleService rules;
    private final CustomerDirectory directory;
    private final CurrentTenant tenant;

    public SuppressionResource(RuleService rules, CustomerDirectory directory, CurrentTenant tenant) {
        this.rules = rules;
        this.directory = directory;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The customer's suppressions, oldest first")
    public Uni<List<RuleView>> list(@PathParam("customerId") String customerId) {
        return directory.known(tenant.get(), customerId, () -> rules.list(tenant.get(), null, customerId, Rule.Kind.SUPPRESS));
    }

    @POST
    @Operation(summary = "Create a suppression (platform-admin, msp-admin, msp-analyst); 201 with Location")
    public Uni<Response> create(@PathParam("customerId") String customerId, @Valid @NotNull RuleRequest body, @Context UriInfo uri) {
        return directory.known(tenant.get(), customerId, () -> rules.create(tenant.get(), null, customerId, Rule.Kind.SUPPRESS, body))
                .map(v -> Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build());
    }

    @GET
    @Path("/{ruleId}")
    @Operation(summary = "One suppression, with how many findings it dropped")
    public Uni<RuleView> get(@PathParam("customerId") String customerId, @PathParam("ruleId") String ruleId) {
        return directory.known(tenant.get(), customerId, () -> rules.get(tenant.get(), null, customerId, Rule.Kind.SUPPRESS, ruleId));
    }

    @PUT
    @Path("/{ruleId}")
    @Operation(summary = "Replace a suppression (platform-admin, msp-admin, msp-analyst)")
    public Uni<RuleView> replace(@PathParam("customerId") String customerId, @PathParam("ruleId") String ruleId,
                                 @Valid @NotNull RuleRequest body) {
        return directory.known(tenant.get(), customerId, () -> rules.replace(tenant.get(), null, customerId, Rule.Kind.SUPPRESS, ruleId, body));
    }

    @DELETE
    @Path("/{ruleId}")
    @Operation(summary = "Delete a suppression (platform-admin, msp-admin, msp-analyst); 204")
    public Uni<Response> delete(@PathParam("customerId") String customerId, @PathParam("ruleId") String ruleId) {
        return directory.known(tenant.get(), customerId, () -> rules.delete(tenant.get(), null, customerId, Rule.Kind.SUPPRESS, ruleId))
                .map(x -> Response.noContent().build());
    }
}
