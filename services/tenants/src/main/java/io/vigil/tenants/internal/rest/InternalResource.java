package io.vigil.tenants.internal.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.paging.Pages;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.customer.repository.CustomerRepository;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static io.vigil.lib.api.auth.Role.Names.SERVICE;

/** Read API for other Vigil services (ingest, detection): service accounts with the vigil-tenants role internal-read only. */
@Path("/api/v1/internal/customers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(SERVICE)
@Tag(name = "internal")
public class InternalResource {

    private final CustomerRepository customers;
    private final CurrentTenant tenant;

    public InternalResource(CustomerRepository customers, CurrentTenant tenant) {
        this.customers = customers;
        this.tenant = tenant;
    }

    @GET
    @Path("/{customerId}")
    @WithSession
    @Operation(summary = "A customer's internal networks and retention")
    public Uni<InternalCustomerView> get(@PathParam("customerId") String customerId) {
        return customers.findVisible(tenant.get(), customerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", customerId))
                .map(InternalCustomerView::of);
    }

    /**
     * Every customer of every status (offboarded ones too: their flows are kept for their retention like anyone's), in
     * id order: ingest's retention job reads the whole list before it deletes anything.
     */
    @GET
    @WithSession
    @Operation(summary = "Every customer's internal networks and retention, a page at a time")
    public Uni<Page<InternalCustomerView>> list(
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(1000) int limit) {
        return customers.page(tenant.get(), Cursor.decode(cursor), limit + 1, null, null, null)
                .map(rows -> Pages.of(rows, limit, InternalCustomerView::of, c -> c.id));
    }
}
