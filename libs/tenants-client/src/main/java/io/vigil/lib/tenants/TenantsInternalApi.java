package io.vigil.lib.tenants;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The tenants service's internal read API (rest-client config key {@code tenants}), called with the calling service's
 * own client-credentials token from its default quarkus.oidc-client (a Keycloak client whose service account holds the
 * vigil-tenants client role internal-read: vigil-detection, vigil-ingest).
 */
@RegisterRestClient(configKey = "tenants")
@OidcClientFilter
@Path("/api/v1/internal")
@Produces(MediaType.APPLICATION_JSON)
public interface TenantsInternalApi {

    /** 200 with the customer; 404 when tenants does not know it. */
    @GET
    @Path("/customers/{customerId}")
    Uni<TenantsCustomer> customer(@PathParam("customerId") String customerId);

    /**
     * One page of every customer (every MSP, every status, offboarded too), in id order.
     *
     * @param cursor the previous page's nextCursor, null for the first page
     * @param limit  customers per page, 1..1000
     */
    @GET
    @Path("/customers")
    Uni<TenantsCustomerPage> customers(@QueryParam("cursor") String cursor, @QueryParam("limit") int limit);

    /**
     * One page of every sensor (every customer, every status, revoked ones too), in id order.
     *
     * @param cursor the previous page's nextCursor, null for the first page
     * @param limit  sensors per page, 1..1000
     */
    @GET
    @Path("/sensors")
    Uni<TenantsSensorPage> sensors(@QueryParam("cursor") String cursor, @QueryParam("limit") int limit);
}
