package io.vigil.detection.customer.rest;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;
import io.vigil.lib.api.auth.CurrentTenant;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The per-customer summary: unresolved alerts by type and severity, and how far its hosts' baselines have learned. */
@Path("/api/v1/customers/{customerId}/summary")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({"platform-admin", "msp-admin", "msp-analyst", "customer-viewer"})
@Tag(name = "summary")
public class CustomerResource {

    private final CustomerDirectory directory;
    private final Summaries summaries;
    private final BaselineStore baselines;
    private final CurrentTenant tenant;

    public CustomerResource(CustomerDirectory directory, Summaries summaries, BaselineStore baselines, CurrentTenant tenant) {
        this.directory = directory;
        this.summaries = summaries;
        this.baselines = baselines;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Unresolved alerts by type and severity, baseline maturity of the customer's hosts, and where its networks came from")
    public Uni<SummaryView> get(@PathParam("customerId") String customerId) {
        TenantContext ctx = tenant.get();
        return directory.known(customerId, () -> summaries.unresolved(ctx, customerId))
                .chain(open -> directory.find(customerId).chain(c -> baselines.maturity(customerId).map(m -> view(c, open, m))));
    }

    private static SummaryView view(Customer c, List<Alert> open, Map<io.vigil.detection.baseline.HostBaseline.State, Long> maturity) {
        Map<ScanType, Long> byType = new EnumMap<>(ScanType.class);
        Map<Scoring.Severity, Long> bySeverity = new EnumMap<>(Scoring.Severity.class);
        Map<String, Long> buckets = new TreeMap<>();
        long acknowledged = 0;
        for (Alert a : open) {
            byType.merge(a.type, 1L, Long::sum);
            bySeverity.merge(a.severity, 1L, Long::sum);
            buckets.merge(a.type.name() + "/" + a.severity.name(), 1L, Long::sum);
            acknowledged += a.status == AlertStatus.ACKNOWLEDGED ? 1 : 0;
        }
        List<SummaryView.Bucket> list = new ArrayList<>();
        buckets.forEach((k, n) -> {
            String[] p = k.split("/");
            list.add(new SummaryView.Bucket(ScanType.valueOf(p[0]), Scoring.Severity.valueOf(p[1]), n));
        });
        return new SummaryView(c.id(), c.mspId(), open.size(), acknowledged, byType, bySeverity, list, maturity,
                c.internalNetworks(), c.origin());
    }

    /** The scoped reads behind the summary, in one session. */
    @ApplicationScoped
    public static class Summaries {

        private final CustomerAccess access;
        private final AlertRepository alerts;

        public Summaries(CustomerAccess access, AlertRepository alerts) {
            this.access = access;
            this.alerts = alerts;
        }

        @WithSession
        public Uni<List<Alert>> unresolved(TenantContext ctx, String customerId) {
            return access.requireVisible(ctx, customerId).chain(c -> alerts.unresolved(ctx, customerId));
        }
    }
}
