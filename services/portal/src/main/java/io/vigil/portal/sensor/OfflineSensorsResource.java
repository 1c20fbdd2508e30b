package io.vigil.portal.sensor;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Sensor;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Fanout;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Enrolled sensors that stopped reporting, across every customer the user can see. A page of its own, and the
 * fragment the overview loads after it has shown the alerts (tenants answers per customer, with each sensor's latest
 * heartbeat from ClickHouse, which makes this the slowest question on an MSP with many customers).
 */
@Path("/sensors/offline")
public class OfflineSensorsResource {

    /** Rows on the overview; the page lists them all. */
    static final int FRAGMENT_ROWS = 20;

    private final TenantsApi tenants;
    private final Fanout fanout;
    private final Duration offlineAfter;

    public OfflineSensorsResource(@RestClient TenantsApi tenants, Fanout fanout,
                                  @ConfigProperty(name = "vigil.portal.sensor-offline-after") Duration offlineAfter) {
        this.tenants = tenants;
        this.fanout = fanout;
        this.offlineAfter = offlineAfter;
    }

    /** A sensor and its customer. */
    public record OfflineSensor(Customer customer, Sensor sensor) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance offline(List<OfflineSensor> offline, long minutes, List<String> failures, int rows);

        static native TemplateInstance offline$table(List<OfflineSensor> offline, long minutes, List<String> failures, int rows);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> offline(@QueryParam("fragment") boolean fragment) {
        return fanout.customers().flatMap(customers -> fanout.each(customers, c -> tenants.sensors(c.id()))).map(each -> {
            Instant now = Instant.now();
            List<OfflineSensor> offline = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (Fanout.Each<List<Sensor>> e : each) {
                if (e.value() == null) {
                    failures.add(e.customer().name() + ": " + e.error());
                } else {
                    e.value().stream().filter(s -> s.offline(offlineAfter, now)).forEach(s -> offline.add(new OfflineSensor(e.customer(), s)));
                }
            }
            // the most recently silent first (a sensor never heard from: by when it enrolled): the newest trouble on top
            offline.sort(Comparator.comparing((OfflineSensor o) -> o.sensor().lastSeen() != null ? o.sensor().lastSeen()
                    : o.sensor().enrolledAt(), Comparator.nullsLast(Comparator.reverseOrder())));
            return fragment ? Templates.offline$table(offline, offlineAfter.toMinutes(), failures, FRAGMENT_ROWS)
                    : Templates.offline(offline, offlineAfter.toMinutes(), failures, Integer.MAX_VALUE);
        });
    }
}
