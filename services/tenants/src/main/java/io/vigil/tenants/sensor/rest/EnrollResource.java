package io.vigil.tenants.sensor.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.tenants.sensor.service.EnrollmentService;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Where a sensor redeems its enrollment token; no bearer token, the enrollment token is the credential. */
@Path("/api/v1/sensors/enroll")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@PermitAll
@Tag(name = "sensors")
public class EnrollResource {

    private final EnrollmentService enrollment;
    private final RoutingContext routing;

    public EnrollResource(EnrollmentService enrollment, RoutingContext routing) {
        this.enrollment = enrollment;
        this.routing = routing;
    }

    @POST
    @SecurityRequirements
    @Operation(summary = "Redeem a one-time enrollment token for the sensor's Keycloak client credentials (shown once)")
    public Uni<Enrolled> enroll(@Valid @NotNull EnrollRequest body) {
        return enrollment.redeem(body.token(), CurrentTenant.sourceIp(routing));
    }
}
