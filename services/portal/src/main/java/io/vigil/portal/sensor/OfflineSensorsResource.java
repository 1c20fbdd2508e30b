package io.vigil.portal.sensor;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Page;
import io.vigil.portal.api.Sensor;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Fanout;
import io.vigil.portal.web.Viewer;
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
 * fragment the overview loads after it has shown the alerts (tenants adds each sensor's latest heartbeat from
 * ClickHouse, which makes this the slowest question the overview asks).
 */
@Path("/sensors/offline")
public class OfflineSensorsResource {

    /** Rows on the overview; the page lists them all. */
    static final int FRAGMENT_ROWS = 20;
    private static final int PAGE = 1000;

    private final TenantsApi tenants;
    private final Fanout fanout;
    private final Duration offlineAfter;
    private final Viewer viewer;

    public OfflineSensorsResource(@RestClient TenantsApi tenants, Fanout fanout,
                                  @ConfigProperty(name = "vigil.portal.sensor-offline-after") Duration offlineAfter, Viewer viewer) {
        this.tenants = tenants;
        this.fanout = fanout;
        this.viewer = viewer;
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
        return fanout.customers().flatMap(customers -> viewer.customerViewer() ? perCustomer(customers) : perMsp(customers))
                .map(found -> {
                    Instant now = Instant.now();
                    List<OfflineSensor> offline = new ArrayList<>(found.sensors.stream()
                            .filter(o -> o.sensor().offline(offlineAfter, now)).toList());
                    // the most recently silent first (a sensor never heard from: by when it enrolled): the newest trouble on top
                    offline.sort(Comparator.comparing((OfflineSensor o) -> o.sensor().lastSeen() != null ? o.sensor().lastSeen()
                            : o.sensor().enrolledAt(), Comparator.nullsLast(Comparator.reverseOrder())));
                    return fragment ? Templates.offline$table(offline, offlineAfter.toMinutes(), found.failures, FRAGMENT_ROWS)
                            : Templates.offline(offline, offlineAfter.toMinutes(), found.failures, Integer.MAX_VALUE);
                });
    }

    /** Sensors with their customers, and the answers that could not be read. */
    private static final class Found {
        final List<OfflineSensor> sensors = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
    }

    /** A customer viewer: its own customer's sensors. */
    private Uni<Found> perCustomer(List<Customer> customers) {
        return fanout.each(customers, c -> tenants.sensors(c.id())).map(each -> {
            Found found = new Found();
            for (Fanout.Each<List<Sensor>> e : each) {
                if (e.value() == null) {
                    found.failures.add(e.customer().name() + ": " + e.error());
                } else {
                    e.value().forEach(s -> found.sensors.add(new OfflineSensor(e.customer(), s)));
                }
            }
            return found;
        });
    }

    /** MSP people: each MSP's enrolled sensors in pages of {@link #PAGE}, kept to the listed (active) customers. */
    private Uni<Found> perMsp(List<Customer> customers) {
        return fanout.perMsp(customers, m -> active(m, null, new ArrayList<>())).map(r -> {
            Found found = new Found();
            found.failures.addAll(r.failures());
            r.answers().values().forEach(sensors -> sensors.stream().filter(s -> r.customers().containsKey(s.customerId()))
                    .forEach(s -> found.sensors.add(new OfflineSensor(r.customers().get(s.customerId()), s))));
            return found;
        });
    }

    private Uni<List<Sensor>> active(String mspId, String cursor, List<Sensor> into) {
        return tenants.mspSensors(mspId, "ACTIVE", cursor, PAGE).flatMap((Page<Sensor> p) -> {
            into.addAll(p.items());
            return p.nextCursor() == null ? Uni.createFrom().item(into) : active(mspId, p.nextCursor(), into);
        });
    }
}
