package io.vigil.detection.alert.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vigil.detection.alert.repository.AlertFlows;
import io.vigil.detection.alert.AlertFlow;
import io.vigil.detection.alert.service.AlertTriage;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.notify.service.DeliveryWorker;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.paging.Page;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** A customer's SmartAlerts: the scoped list, the evidence of one and its flows, and triage (acknowledge, resolve, comment). */
@Path("/api/v1/customers/{customerId}/alerts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "alerts")
public class AlertResource {

    private final AlertTriage alerts;
    private final AlertFlows flows;
    private final CustomerDirectory directory;
    private final CurrentTenant tenant;
    private final DeliveryWorker deliveries;

    public AlertResource(AlertTriage alerts, AlertFlows flows, CustomerDirectory directory, CurrentTenant tenant,
                         DeliveryWorker deliveries) {
        this.alerts = alerts;
        this.flows = flows;
        this.directory = directory;
        this.tenant = tenant;
        this.deliveries = deliveries;
    }

    @GET
    @Operation(summary = "The customer's alerts, latest activity first (created, grown or reopened), one page at a time; 404 for a customer outside the caller's scope")
    public Uni<Page<AlertView>> list(@PathParam("customerId") String customerId, @Valid @BeanParam AlertListParams params) {
        return directory.known(tenant.get(), customerId, () -> alerts.list(tenant.get(), customerId, params.cursor, params.limit, params.filter()))
                .map(AlertView::page);
    }

    @GET
    @Path("/{alertId}")
    @Operation(summary = "One alert with its evidence: targets, ports, counts and sample probes")
    public Uni<AlertView> get(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        return directory.known(tenant.get(), customerId, () -> alerts.get(tenant.get(), customerId, alertId)).map(AlertView::detail);
    }

    @POST
    @Path("/{alertId}/ack")
    @Operation(summary = "Acknowledge (platform-admin, msp-admin, msp-analyst); 409 if resolved")
    public Uni<AlertView> acknowledge(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        return directory.known(tenant.get(), customerId, () -> alerts.acknowledge(tenant.get(), customerId, alertId))
                .map(AlertView::detail);
    }

    @POST
    @Path("/{alertId}/resolve")
    @Operation(summary = "Resolve (platform-admin, msp-admin, msp-analyst); new activity reopens it")
    public Uni<AlertView> resolve(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        // committed when resolve's Uni completes: wake the worker for the alert.resolved deliveries queued with it
        return directory.known(tenant.get(), customerId, () -> alerts.resolve(tenant.get(), customerId, alertId))
                .invoke(deliveries::kick)
                .map(AlertView::detail);
    }

    @GET
    @Path("/{alertId}/comments")
    @Operation(summary = "The alert's comments, oldest first")
    public Uni<List<CommentView>> comments(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        return directory.known(tenant.get(), customerId, () -> alerts.comments(tenant.get(), customerId, alertId))
                .map(list -> list.stream().map(CommentView::of).toList());
    }

    @POST
    @Path("/{alertId}/comments")
    @Operation(summary = "Comment on the alert (platform-admin, msp-admin, msp-analyst); 201")
    public Uni<Response> comment(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId,
                                 @Valid @NotNull CommentRequest body) {
        return directory.known(tenant.get(), customerId, () -> alerts.comment(tenant.get(), customerId, alertId, body.body()))
                .map(c -> Response.status(Response.Status.CREATED).entity(CommentView.of(c)).build());
    }

    @GET
    @Path("/{alertId}/flows")
    @Operation(summary = "Drill-down: the flows behind the alert from ClickHouse (its source, targets and time span), oldest first, keyset pages")
    public Uni<Page<AlertFlow>> flows(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId,
                                     @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
                                     @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return directory.known(tenant.get(), customerId, () -> alerts.get(tenant.get(), customerId, alertId))
                .chain(alert -> Uni.createFrom().item(() -> flows.page(alert, cursor, limit))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }
}
