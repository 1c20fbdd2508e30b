package io.vigil.portal.audit;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.Maybe;
import io.vigil.portal.web.Viewer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The audit log as one timeline: the MSP's onboarding changes (tenants) and MSP-wide rules (detection), plus one
 * customer's triage, comments and rules (detection). A customer viewer sees its own customer's entries.
 */
@Path("/audit")
public class AuditResource {

    static final int LIMIT = 100;

    private final TenantsApi tenants;
    private final DetectionApi detection;
    private final Viewer viewer;

    public AuditResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection, Viewer viewer) {
        this.tenants = tenants;
        this.detection = detection;
        this.viewer = viewer;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(String customer, List<AuditRow> rows, List<String> failures);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> show(@QueryParam("customer") String customerParam) {
        String customer = viewer.customerViewer() ? viewer.tenantId()
                : customerParam == null || customerParam.isBlank() ? null : customerParam.trim();
        String msp = viewer.customerViewer() ? null : viewer.mspId();
        Uni<Maybe<List<AuditRow>>> tenantsLog = msp == null ? none()
                : Maybe.of(tenants.audit(msp, LIMIT).map(p -> p.items().stream().map(AuditRow::of).toList()));
        Uni<Maybe<List<AuditRow>>> mspRules = msp == null ? none()
                : Maybe.of(detection.mspAudit(msp, LIMIT).map(p -> p.items().stream().map(AuditRow::of).toList()));
        Uni<Maybe<List<AuditRow>>> customerLog = customer == null ? none()
                : Maybe.of(detection.audit(customer, LIMIT).map(p -> p.items().stream().map(AuditRow::of).toList()));
        return Uni.combine().all().unis(tenantsLog, mspRules, customerLog).asTuple().map(t -> {
            List<AuditRow> rows = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<String> names = List.of("MSP changes (tenants)", "MSP-wide rules (detection)", "customer " + customer + " (detection)");
            List<Maybe<List<AuditRow>>> parts = List.of(t.getItem1(), t.getItem2(), t.getItem3());
            for (int i = 0; i < parts.size(); i++) {
                Maybe<List<AuditRow>> part = parts.get(i);
                if (part.value() != null) {
                    rows.addAll(part.value());
                } else if (part.error() != null) {
                    failures.add(names.get(i) + ": " + part.error());
                }
            }
            rows.sort(Comparator.comparing(AuditRow::at, Comparator.nullsLast(Comparator.reverseOrder())));
            return Templates.audit(customer, rows, failures);
        });
    }

    private static Uni<Maybe<List<AuditRow>>> none() {
        return Uni.createFrom().item(new Maybe<>(List.of(), null, 200));
    }
}
