package io.vigil.tenants.sensor.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.tenants.sensor.packages.SensorInstaller;
import io.vigil.tenants.sensor.packages.SensorPackages;
import io.vigil.tenants.sensor.service.EnrollmentService;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The sensor's Debian package and its one-line installer, for the holder of a valid enrollment token. No bearer token:
 * the enrollment token is the credential, and it is checked, not used up (the installer's {@code enroll} uses it).
 */
@Path("/")
@PermitAll
@Tag(name = "sensors")
public class SensorPackageResource {

    public static final String DEB = "application/vnd.debian.binary-package";

    private final EnrollmentService enrollment;
    private final SensorPackages packages;
    private final SensorInstaller installer;
    private final RoutingContext routing;

    public SensorPackageResource(EnrollmentService enrollment, SensorPackages packages, SensorInstaller installer,
                                 RoutingContext routing) {
        this.enrollment = enrollment;
        this.packages = packages;
        this.installer = installer;
        this.routing = routing;
    }

    @GET
    @Path("api/v1/sensor-package")
    @Produces(DEB)
    @SecurityRequirements
    @Operation(summary = "Download the sensor's Debian package (vigil-sensor_<version>_amd64.deb) with an enrollment token "
            + "that is still usable; the token is not used up")
    @APIResponse(responseCode = "200", description = "The package")
    public Uni<Response> sensorPackage(@Parameter(description = "The sensor's one-time enrollment token")
                                       @QueryParam("token") @NotBlank String token) {
        return enrollment.check(token, CurrentTenant.sourceIp(routing)).map(sensor -> {
            java.nio.file.Path deb = packages.current();
            return Response.ok(deb.toFile(), DEB)
                    .header("Content-Disposition", "attachment; filename=\"" + deb.getFileName() + "\"")
                    .header("Cache-Control", "no-store").build();
        });
    }

    @GET
    @Path("install")
    @Produces("text/x-shellscript")
    @SecurityRequirements
    @Operation(summary = "The one-line installer: a shell script that downloads the package with the token, installs it, "
            + "enrolls the sensor with the token and starts it (curl -fsSL '…/install?token=…' | sudo sh)")
    @APIResponse(responseCode = "200", description = "The installer (POSIX sh)")
    public Uni<Response> install(@Parameter(description = "The sensor's one-time enrollment token")
                                 @QueryParam("token") @NotBlank String token, @Context UriInfo uri) {
        return enrollment.check(token, CurrentTenant.sourceIp(routing)).map(sensor -> {
            packages.current();
            return Response.ok(installer.script(token, uri.getBaseUri()), "text/x-shellscript; charset=utf-8")
                    .header("Cache-Control", "no-store").build();
        });
    }
}
