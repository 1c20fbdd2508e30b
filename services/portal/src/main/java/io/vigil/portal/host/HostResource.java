package io.vigil.portal.host;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.alert.AlertRow;
import io.vigil.portal.api.Alert;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.Flow;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Maybe;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.List;

/** One internal host: its hour-of-week baseline charts, its alerts as a source and its recent probe flows. */
@Path("/customers/{customerId}/hosts/{ip}")
public class HostResource {

    private final TenantsApi tenants;
    private final DetectionApi detection;

    public HostResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection) {
        this.tenants = tenants;
        this.detection = detection;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance host(HostPage page);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> show(@PathParam("customerId") String customerId, @PathParam("ip") String ip) {
        return Uni.combine().all().unis(tenants.customer(customerId), Maybe.of(detection.baseline(customerId, ip)),
                        detection.alerts(customerId, null, 50, null, null, null, null, ip))
                .asTuple().flatMap(t -> {
                    List<Alert> alerts = t.getItem3().items();
                    Uni<List<Flow>> flows = alerts.isEmpty() ? Uni.createFrom().item(List.of())
                            : detection.flows(customerId, alerts.get(0).id(), 100).map(p -> p.items());
                    return flows.map(f -> Templates.host(new HostPage(t.getItem1(), ip, t.getItem2().value(),
                            t.getItem2().status() == 404 ? null : t.getItem2().error(),
                            alerts.stream().map(a -> new AlertRow(t.getItem1(), a)).toList(), f)));
                });
    }
}
