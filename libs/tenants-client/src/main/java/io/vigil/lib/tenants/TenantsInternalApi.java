package io.vigil.detection.customer.client;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The tenants service's internal read API, called with detection's own client-credentials token (Keycloak client
 * vigil-detection, holding the vigil-tenants client role internal-read).
 */
@RegisterRestClient(configKey = "tenants")
@OidcClientFilter
@Path("/api/v1/internal/customers")
@Produces(MediaType.APPLICATION_JSON)
public interface TenantsInternalApi {

    /** 200 with the customer; 404 when tenants does not know it. */
    @GET
    @Path("/{customerId}")
    Uni<TenantsCustomer> customer(@PathParam("customerId") String customerId);
}
