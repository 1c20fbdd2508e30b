package io.vigil.tenants.customer.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Page;
import io.vigil.tenants.customer.CustomerStatus;
import io.vigil.tenants.customer.service.CustomerService;
import io.vigil.tenants.idempotency.service.Idempotency;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
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

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** Customers (the tenants) of MSPs: onboarding, changes, offboarding, and the scoped list. */
@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "customers")
public class CustomerResource {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final CustomerService customers;
    private final Idempotency idempotency;
    private final CurrentTenant tenant;

    public CustomerResource(CustomerService customers, Idempotency idempotency, CurrentTenant tenant) {
        this.customers = customers;
        this.idempotency = idempotency;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "List the customers the caller may see, in id order, one page at a time")
    public Uni<Page<CustomerView>> list(
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
            @Parameter(description = "only this MSP's customers") @QueryParam("mspId") @Size(max = 64) String mspId,
            @QueryParam("status") CustomerStatus status,
            @Parameter(description = "name contains (case-insensitive)") @QueryParam("q") @Size(max = 100) String q) {
        return customers.list(tenant.get(), cursor, limit, mspId, status, q);
    }

    @POST
    @APIResponse(responseCode = "201", description = "Created; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CustomerView.class)))
    @Operation(summary = "Onboard a customer (platform-admin: any MSP; msp-admin: its own)")
    public Uni<Response> create(@Valid @NotNull CustomerCreate body,
                                @Parameter(description = "retry-safe key; the same key with the same body replays the first response")
                                @HeaderParam(IDEMPOTENCY_KEY) String key) {
        TenantContext ctx = tenant.get();
        return idempotency.run(ctx, key, "POST /api/v1/customers", body, () -> customers.create(ctx, body)
                .map(c -> new Idempotency.Outcome(201, "/api/v1/customers/" + c.id, CustomerView.of(c))));
    }

    @GET
    @Path("/{customerId}")
    @Operation(summary = "One customer; 404 when it does not exist or is another tenant's")
    public Uni<CustomerView> get(@PathParam("customerId") String customerId) {
        return customers.get(tenant.get(), customerId);
    }

    @PATCH
    @Path("/{customerId}")
    @Operation(summary = "Change the fields present in the body")
    public Uni<CustomerView> update(@PathParam("customerId") String customerId, @Valid @NotNull CustomerPatch body) {
        return customers.update(tenant.get(), customerId, body);
    }

    @DELETE
    @Path("/{customerId}")
    @APIResponse(responseCode = "204", description = "Offboarded")
    @Operation(summary = "Offboard a customer (status OFFBOARDED); refused while it has active sensors")
    public Uni<Response> delete(@PathParam("customerId") String customerId) {
        return customers.offboard(tenant.get(), customerId).map(v -> Response.noContent().build());
    }
}
