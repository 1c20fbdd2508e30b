package io.vigil.detection.notify.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.notify.DeliveryStatus;
import io.vigil.detection.notify.service.DeliveryWorker;
import io.vigil.detection.notify.service.NotificationService;
import io.vigil.detection.notify.service.NotificationService.Owner;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.paging.Page;
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
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** A customer's notification destinations (webhook, syslog/CEF), their delivery logs and test sends. */
@Path("/api/v1/customers/{customerId}/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "notifications")
public class CustomerNotificationResource {

    private final NotificationService notifications;
    private final DeliveryWorker worker;
    private final CurrentTenant tenant;

    public CustomerNotificationResource(NotificationService notifications, DeliveryWorker worker, CurrentTenant tenant) {
        this.notifications = notifications;
        this.worker = worker;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The destinations; webhook secrets are never shown")
    public Uni<List<DestinationView>> list(@PathParam("customerId") String customerId) {
        return notifications.list(tenant.get(), Owner.customer(customerId));
    }

    @POST
    @Operation(summary = "Add a webhook or syslog destination (msp-admin, platform-admin); a webhook's secret is in this answer only")
    public Uni<Response> create(@PathParam("customerId") String customerId, @Valid @NotNull DestinationCreate body) {
        return notifications.create(tenant.get(), Owner.customer(customerId), body)
                .map(d -> Response.created(UriBuilder.fromResource(CustomerNotificationResource.class).path(d.id()).build(customerId)).entity(d).build());
    }

    @GET
    @Path("/{destinationId}")
    @Operation(summary = "One destination")
    public Uni<DestinationView> get(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId) {
        return notifications.get(tenant.get(), Owner.customer(customerId), destinationId);
    }

    @PATCH
    @Path("/{destinationId}")
    @Operation(summary = "Change name, enabled, minSeverity or events (msp-admin, platform-admin)")
    public Uni<DestinationView> update(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId,
                                       @Valid @NotNull DestinationPatch body) {
        return notifications.update(tenant.get(), Owner.customer(customerId), destinationId, body);
    }

    @DELETE
    @Path("/{destinationId}")
    @Operation(summary = "Remove a destination and its delivery log (msp-admin, platform-admin)")
    public Uni<Response> delete(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId) {
        return notifications.delete(tenant.get(), Owner.customer(customerId), destinationId).map(x -> Response.noContent().build());
    }

    @POST
    @Path("/{destinationId}/rotate-secret")
    @Operation(summary = "A new webhook secret, in this answer only; the old one stops at once (msp-admin, platform-admin)")
    public Uni<DestinationView> rotateSecret(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId) {
        return notifications.rotateSecret(tenant.get(), Owner.customer(customerId), destinationId);
    }

    @POST
    @Path("/{destinationId}/test")
    @Operation(summary = "Queue a test notification (msp-admin, platform-admin); its outcome shows in the delivery log")
    public Uni<Response> test(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId) {
        return notifications.test(tenant.get(), Owner.customer(customerId), destinationId)
                .invoke(worker::kick)
                .map(d -> Response.accepted(d).build());
    }

    @GET
    @Path("/{destinationId}/deliveries")
    @Operation(summary = "The destination's delivery log, newest first, one page at a time")
    public Uni<Page<DeliveryView>> deliveries(@PathParam("customerId") String customerId, @PathParam("destinationId") String destinationId,
                                              @QueryParam("status") DeliveryStatus status,
                                              @QueryParam("cursor") @Size(max = 200) String cursor,
                                              @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit) {
        return notifications.deliveries(tenant.get(), Owner.customer(customerId), destinationId, status, cursor, limit);
    }
}
