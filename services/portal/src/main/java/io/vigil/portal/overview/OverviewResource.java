package io.vigil.portal.overview;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.Summary;
import io.vigil.portal.web.Fanout;
import io.vigil.portal.web.Fanout.Each;
import io.vigil.portal.web.Viewer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The landing page: across every customer the user can see, what needs attention first. */
@Path("/")
public class OverviewResource {

    private final DetectionApi detection;
    private final Fanout fanout;
    private final Viewer viewer;

    public OverviewResource(@RestClient DetectionApi detection, Fanout fanout, Viewer viewer) {
        this.detection = detection;
        this.fanout = fanout;
        this.viewer = viewer;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance overview(Overview overview);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> overview() {
        return fanout.customers().flatMap(customers -> summaries(customers)
                .map(summaries -> Templates.overview(Overview.of(customers, summaries))));
    }

    /**
     * A customer viewer's own summary. For MSP people, one MSP summary per MSP (an MSP's whole estate in one answer)
     * rather than one call per customer; a 404 there means detection knows none of the MSP's customers yet.
     */
    private Uni<List<Each<Summary>>> summaries(List<Customer> customers) {
        if (viewer.customerViewer()) {
            return fanout.each(customers, c -> detection.summary(c.id()));
        }
        return fanout.perMsp(customers, detection::mspSummary).map(r -> {
            Map<String, Summary> known = new HashMap<>();
            r.answers().values().forEach(m -> m.customers().forEach(c -> known.put(c.customerId(), c)));
            return customers.stream().map(c -> r.failed().containsKey(c.mspId()) ? new Each<Summary>(c, null, r.failed().get(c.mspId()))
                    : new Each<>(c, known.getOrDefault(c.id(), Summary.none(c)), null)).toList();
        });
    }
}
