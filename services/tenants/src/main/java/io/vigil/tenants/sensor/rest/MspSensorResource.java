package io.vigil.tenants.sensor.rest;

import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Page;
import io.vigil.tenants.sensor.SensorStatus;
import io.vigil.tenants.sensor.service.SensorHeartbeats;
import io.vigil.tenants.sensor.service.SensorService;
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

import static io.vigil.lib.api.auth.Role.Names.CUSTOMER_VIEWER;
import static io.vigil.lib.api.auth.Role.Names.MSP_ADMIN;
import static io.vigil.lib.api.auth.Role.Names.MSP_ANALYST;
import static io.vigil.lib.api.auth.Role.Names.PLATFORM_ADMIN;

/** Every sensor of an MSP in one list, with its last heartbeat: which sensors went quiet, without asking each customer. */
@Path("/api/v1/msps/{mspId}/sensors")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER})
@Tag(name = "sensors")
public class MspSensorResource {

    private final SensorService sensors;
    private final SensorHeartbeats heartbeats;
    private final CurrentTenant tenant;

    public MspSensorResource(SensorService sensors, SensorHeartbeats heartbeats, CurrentTenant tenant) {
        this.sensors = sensors;
        this.heartbeats = heartbeats;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "The sensors of every customer of the MSP in id order, with last seen, version and interfaces from their latest heartbeat (platform-admin, the MSP's own people)")
    public Uni<Page<SensorView>> list(@PathParam("mspId") String mspId,
                                      @Parameter(description = "only sensors in this state") @QueryParam("status") SensorStatus status,
                                      @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
                                      @QueryParam("limit") @DefaultValue("200") @Min(1) @Max(1000) int limit) {
        TenantContext ctx = tenant.get();
        return sensors.listOfMsp(ctx, mspId, status, cursor, limit)
                .chain(page -> heartbeats.attach(ctx, page.items()).map(items -> new Page<>(items, page.nextCursor())));
    }
}
