package io.vigil.portal.overview;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.web.Fanout;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The landing page: across every customer the user can see, what needs attention first. */
@Path("/")
public class OverviewResource {

    private final DetectionApi detection;
    private final Fanout fanout;

    public OverviewResource(@RestClient DetectionApi detection, Fanout fanout) {
        this.detection = detection;
        this.fanout = fanout;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Overview overview);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> overview() {
        return fanout.customers().flatMap(customers -> fanout.each(customers, c -> detection.summary(c.id()))
                .map(summaries -> Templates.overview(Overview.of(customers, summaries))));
    }
}
