package io.vigil.tenants.sensor.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.customer.rest.CustomerResource;
import io.vigil.tenants.idempotency.service.Idempotency;
import io.vigil.tenants.sensor.service.SensorHeartbeats;
import io.vigil.tenants.sensor.service.SensorService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** A customer's sensors: enrollment tokens, the list, revocation. */
@Path("/api/v1/customers/{customerId}/sensors")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "sensors")
public class SensorResource {

    private final SensorService sensors;
    private final SensorHeartbeats heartbeats;
    private final Idempotency idempotency;
    private final CurrentTenant tenant;

    public SensorResource(SensorService sensors, SensorHeartbeats heartbeats, Idempotency idempotency, CurrentTenant tenant) {
        this.sensors = sensors;
        this.heartbeats = heartbeats;
        this.idempotency = idempotency;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The customer's sensors, with last seen, version and interfaces from their latest heartbeat (null if never heard from)")
    public Uni<List<SensorView>> list(@PathParam("customerId") String customerId) {
        TenantContext ctx = tenant.get();
        return sensors.list(ctx, customerId).chain(views -> heartbeats.attach(ctx, views));
    }

    @GET
    @Path("/{sensorId}")
    @Operation(summary = "One sensor, with its latest heartbeat's last seen, version and interfaces")
    public Uni<SensorView> get(@PathParam("customerId") String customerId, @PathParam("sensorId") String sensorId) {
        TenantContext ctx = tenant.get();
        return sensors.get(ctx, customerId, sensorId).chain(view -> heartbeats.attach(ctx, view));
    }

    @POST
    @APIResponse(responseCode = "201", description = "A pending sensor and its one-time enrollment token; Location names it", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EnrollmentIssued.class)))
    @Operation(summary = "Register a sensor and get its one-time enrollment token (shown only in this answer)")
    public Uni<Response> create(@PathParam("customerId") String customerId, @Valid @NotNull SensorCreate body,
                                @HeaderParam(CustomerResource.IDEMPOTENCY_KEY) String key) {
        TenantContext ctx = tenant.get();
        return idempotency.run(ctx, key, "POST /api/v1/customers/" + customerId + "/sensors", body,
                () -> sensors.create(ctx, customerId, body).map(issued -> new Idempotency.Outcome(201,
                        "/api/v1/customers/" + customerId + "/sensors/" + issued.sensor().id(), issued, issued.sensor())),
                // The token is stored only hashed, so a retry gets the same sensor with a fresh token (the first is void).
                location -> sensors.reissue(ctx, customerId, location.substring(location.lastIndexOf('/') + 1))
                        .map(issued -> new Idempotency.Outcome(201, location, issued)));
    }

    @POST
    @Path("/{sensorId}/revoke")
    @Operation(summary = "Revoke a sensor: its Keycloak client is disabled; ingest refuses it once its token expires (at most 5 min)")
    public Uni<SensorView> revoke(@PathParam("customerId") String customerId, @PathParam("sensorId") String sensorId) {
        TenantContext ctx = tenant.get();
        return sensors.revoke(ctx, customerId, sensorId).chain(view -> heartbeats.attach(ctx, view));
    }
}
