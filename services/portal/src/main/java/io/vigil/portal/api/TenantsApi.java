package io.vigil.portal.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;

/** The tenants service's REST API (services/tenants), called with the signed-in user's token. */
@RegisterRestClient(configKey = "tenants")
@RegisterProvider(UserToken.class)
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface TenantsApi {

    @GET
    @Path("/customers")
    Uni<Page<Customer>> customers(@QueryParam("cursor") String cursor, @QueryParam("limit") int limit,
                                  @QueryParam("status") String status);

    @GET
    @Path("/customers/{id}")
    Uni<Customer> customer(@PathParam("id") String id);

    @GET
    @Path("/customers/{id}/sites")
    Uni<List<Site>> sites(@PathParam("id") String customerId);

    @GET
    @Path("/customers/{id}/sensors")
    Uni<List<Sensor>> sensors(@PathParam("id") String customerId);

    @GET
    @Path("/msps/{mspId}/sensors")
    Uni<Page<Sensor>> mspSensors(@PathParam("mspId") String mspId, @QueryParam("status") String status,
                                 @QueryParam("cursor") String cursor, @QueryParam("limit") int limit);

    @POST
    @Path("/customers/{id}/sensors")
    Uni<Enrollment> addSensor(@PathParam("id") String customerId, NewSensor body);

    @GET
    @Path("/msps/{mspId}/audit")
    Uni<Page<TenantsAuditEntry>> audit(@PathParam("mspId") String mspId, @QueryParam("limit") int limit);
}
