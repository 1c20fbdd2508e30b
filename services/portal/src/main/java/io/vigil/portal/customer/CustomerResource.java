package io.vigil.portal.customer;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.NewSensor;
import io.vigil.portal.api.Rule;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Maybe;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestForm;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** One customer: networks, sites, sensors with status and last seen, and adding a sensor. */
@Path("/customers/{customerId}")
public class CustomerResource {

    private final TenantsApi tenants;
    private final DetectionApi detection;
    private final Duration offlineAfter;
    private final String enrollUrl;

    public CustomerResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection,
                            @ConfigProperty(name = "vigil.portal.sensor-offline-after") Duration offlineAfter,
                            @ConfigProperty(name = "vigil.portal.enroll-url") String enrollUrl) {
        this.tenants = tenants;
        this.detection = detection;
        this.offlineAfter = offlineAfter;
        this.enrollUrl = enrollUrl;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance customer(CustomerPage page);

        static native TemplateInstance sensorAdded(SensorAdded added);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> show(@PathParam("customerId") String customerId) {
        Uni<List<Rule>> rules = Uni.combine().all().unis(detection.allowlist(customerId), detection.suppressions(customerId))
                .with((allow, suppress) -> Stream.concat(allow.stream(), suppress.stream()).toList());
        return Uni.combine().all().unis(tenants.customer(customerId), tenants.sites(customerId), tenants.sensors(customerId),
                        Maybe.of(detection.summary(customerId)), Maybe.of(rules))
                .asTuple().map(t -> Templates.customer(new CustomerPage(t.getItem1(), t.getItem2(), t.getItem3(),
                        t.getItem4().value(), t.getItem4().error(), t.getItem5().value(), t.getItem5().error(), offlineAfter,
                        Instant.now())));
    }

    /** Creates a pending sensor and shows its one-time token with the install commands (never stored here). */
    @POST
    @Path("/sensors")
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> addSensor(@PathParam("customerId") String customerId, @RestForm String name,
                                           @RestForm String siteId, @RestForm("interface") String iface) {
        String nic = iface == null || iface.isBlank() ? "eth1" : iface.trim();
        if (!nic.matches("[A-Za-z0-9_.:@-]{1,15}")) {
            throw new BadRequestException("interface: not a network interface name");
        }
        return tenants.addSensor(customerId, new NewSensor(name, siteId == null || siteId.isBlank() ? null : siteId))
                .flatMap(e -> tenants.customer(customerId).map(c -> Templates.sensorAdded(SensorAdded.of(c, e, enrollUrl, nic))));
    }
}
