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

/** The detection service's REST API (services/detection), called with the signed-in user's token. */
@RegisterRestClient(configKey = "detection")
@RegisterProvider(UserToken.class)
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface DetectionApi {

    @GET
    @Path("/customers/{id}/summary")
    Uni<Summary> summary(@PathParam("id") String customerId);

    @GET
    @Path("/msps/{mspId}/summary")
    Uni<MspSummary> mspSummary(@PathParam("mspId") String mspId);

    @GET
    @Path("/customers/{id}/alerts")
    Uni<Page<Alert>> alerts(@PathParam("id") String customerId, @QueryParam("cursor") String cursor,
                            @QueryParam("limit") int limit, @QueryParam("status") String status,
                            @QueryParam("family") String family, @QueryParam("type") String type,
                            @QueryParam("severity") String severity, @QueryParam("source") String source);

    @GET
    @Path("/msps/{mspId}/alerts")
    Uni<Page<Alert>> mspAlerts(@PathParam("mspId") String mspId, @QueryParam("cursor") String cursor,
                               @QueryParam("limit") int limit, @QueryParam("status") String status,
                               @QueryParam("family") String family, @QueryParam("type") String type,
                               @QueryParam("severity") String severity, @QueryParam("source") String source);

    @GET
    @Path("/customers/{id}/alerts/{alertId}")
    Uni<Alert> alert(@PathParam("id") String customerId, @PathParam("alertId") String alertId);

    @POST
    @Path("/customers/{id}/alerts/{alertId}/ack")
    Uni<Alert> acknowledge(@PathParam("id") String customerId, @PathParam("alertId") String alertId);

    @POST
    @Path("/customers/{id}/alerts/{alertId}/resolve")
    Uni<Alert> resolve(@PathParam("id") String customerId, @PathParam("alertId") String alertId);

    @GET
    @Path("/customers/{id}/alerts/{alertId}/comments")
    Uni<List<Comment>> comments(@PathParam("id") String customerId, @PathParam("alertId") String alertId);

    @POST
    @Path("/customers/{id}/alerts/{alertId}/comments")
    Uni<Comment> comment(@PathParam("id") String customerId, @PathParam("alertId") String alertId, NewComment body);

    @GET
    @Path("/customers/{id}/alerts/{alertId}/flows")
    Uni<Page<Flow>> flows(@PathParam("id") String customerId, @PathParam("alertId") String alertId,
                          @QueryParam("limit") int limit);

    @POST
    @Path("/customers/{id}/suppressions")
    Uni<Rule> suppress(@PathParam("id") String customerId, NewRule body);

    @GET
    @Path("/customers/{id}/suppressions")
    Uni<List<Rule>> suppressions(@PathParam("id") String customerId);

    @GET
    @Path("/customers/{id}/allowlist")
    Uni<List<Rule>> allowlist(@PathParam("id") String customerId);

    @GET
    @Path("/customers/{id}/hosts/{ip}/baseline")
    Uni<Baseline> baseline(@PathParam("id") String customerId, @PathParam("ip") String ip);

    @GET
    @Path("/customers/{id}/audit")
    Uni<Page<DetectionAuditEntry>> audit(@PathParam("id") String customerId, @QueryParam("limit") int limit);

    @GET
    @Path("/msps/{mspId}/audit")
    Uni<Page<DetectionAuditEntry>> mspAudit(@PathParam("mspId") String mspId, @QueryParam("limit") int limit);
}
