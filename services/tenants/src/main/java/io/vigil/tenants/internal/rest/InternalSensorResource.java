package io.vigil.tenants.internal.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.paging.Pages;
import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.repository.SensorRepository;
import io.vigil.tenants.site.Site;
import io.vigil.tenants.site.repository.SiteRepository;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.vigil.lib.api.auth.Role.Names.SERVICE;

/**
 * Every sensor of every customer, for other Vigil services (detection's offline watch reads the whole list): service
 * accounts with the vigil-tenants role internal-read only.
 */
@Path("/api/v1/internal/sensors")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(SERVICE)
@Tag(name = "internal")
public class InternalSensorResource {

    private final SensorRepository sensors;
    private final SiteRepository sites;
    private final CurrentTenant tenant;

    public InternalSensorResource(SensorRepository sensors, SiteRepository sites, CurrentTenant tenant) {
        this.sensors = sensors;
        this.sites = sites;
        this.tenant = tenant;
    }

    /** Every sensor of every status (revoked and pending ones too, so a reader can tell them from unknown ones), in id order. */
    @GET
    @WithSession
    @Operation(summary = "Every sensor of every customer, with its site and enrollment, a page at a time")
    public Uni<Page<InternalSensorView>> list(
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") @Size(max = 200) String cursor,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(1000) int limit) {
        TenantContext ctx = tenant.get();
        return sensors.pageOfAll(ctx, Cursor.decode(cursor), limit + 1)
                .chain(rows -> sites.findVisible(ctx, rows.stream().map(s -> s.siteId).filter(Objects::nonNull).distinct().toList())
                        .map(found -> {
                            Map<String, Site> byId = found.stream().collect(Collectors.toMap(s -> s.id, Function.identity()));
                            return Pages.of(rows, limit, (Sensor s) -> InternalSensorView.of(s, s.siteId == null ? null : byId.get(s.siteId)),
                                    s -> s.id);
                        }));
    }
}
