package io.vigil.tenants.internal.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.customer.repository.CustomerRepository;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import static io.vigil.lib.api.auth.Role.Names.SERVICE;

/** Read API for other Vigil services (ingest, detection): service accounts with the vigil-tenants role internal-read only. */
@Path("/api/v1/internal/customers/{customerId}")
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
    @WithSession
    @Operation(summary = "A customer's internal networks and retention")
    public Uni<InternalCustomerView> get(@PathParam("customerId") String customerId) {
        return customers.findVisible(tenant.get(), customerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", customerId))
                .map(InternalCustomerView::of);
    }
}
