package io.vigil.portal.overview;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Fanout;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.time.Instant;

/** The landing page: across every customer the user can see, what needs attention first. */
@Path("/")
public class OverviewResource {

    private final TenantsApi tenants;
    private final DetectionApi detection;
    private final Fanout fanout;
    private final Duration offlineAfter;

    public OverviewResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection, Fanout fanout,
                            @ConfigProperty(name = "vigil.portal.sensor-offline-after") Duration offlineAfter) {
        this.tenants = tenants;
        this.detection = detection;
        this.fanout = fanout;
        this.offlineAfter = offlineAfter;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Overview overview);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> overview() {
        return fanout.customers().flatMap(customers -> Uni.combine().all()
                .unis(fanout.each(customers, c -> detection.summary(c.id())), fanout.each(customers, c -> tenants.sensors(c.id())))
                .asTuple()
                .map(t -> Templates.overview(Overview.of(customers, t.getItem1(), t.getItem2(), offlineAfter, Instant.now()))));
    }
}
