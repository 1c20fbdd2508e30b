package io.vigil.detection.sensor.service;

import io.smallrye.mutiny.Uni;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.sensor.Registration;
import io.vigil.detection.sensor.SensorWatchConfig;
import io.vigil.lib.tenants.TenantsInternalApi;
import io.vigil.lib.tenants.TenantsSensor;
import io.vigil.lib.tenants.TenantsSensorPage;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The enrolled sensors, from tenants' internal API (the client the customer directory uses), read whole a page at a
 * time. With {@code vigil.detection.customers.source=table} (tests) there is no list: the recorded sensors are the
 * roster, as the customers table is for customers.
 */
@ApplicationScoped
public class SensorDirectory {

    private final TenantsInternalApi tenants;
    private final CustomerDirectory customers;
    private final int pageSize;

    public SensorDirectory(@RestClient TenantsInternalApi tenants, CustomerDirectory customers, SensorWatchConfig config) {
        this.tenants = tenants;
        this.customers = customers;
        this.pageSize = config.tenantsPageSize();
    }

    /** Every ACTIVE sensor of every customer; empty when the roster is the table (tests). Fails when tenants does. */
    public Uni<Optional<List<Registration>>> enrolled() {
        if (customers.source() == CustomerDirectory.Source.TABLE) {
            return Uni.createFrom().item(Optional.empty());
        }
        List<Registration> out = new ArrayList<>();
        return page(null, out).map(x -> Optional.of(List.copyOf(out)));
    }

    private Uni<Void> page(String cursor, List<Registration> out) {
        return tenants.sensors(cursor, pageSize).chain(p -> {
            add(p, out);
            return p.nextCursor() == null ? Uni.createFrom().voidItem() : page(p.nextCursor(), out);
        });
    }

    private static void add(TenantsSensorPage page, List<Registration> out) {
        for (TenantsSensor s : page.items()) {
            if ("ACTIVE".equals(s.status()) && s.enrolledAt() != null) {
                // PostgreSQL keeps microseconds: the same instant compares equal after the round trip
                out.add(new Registration(s.customerId(), s.id(), s.mspId(), s.siteId(), s.siteName(), s.name(),
                        s.enrolledAt().truncatedTo(ChronoUnit.MICROS)));
            }
        }
    }
}
