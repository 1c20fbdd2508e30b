package io.vigil.portal.alert;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Alert;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.Page;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.web.ErrorPages;
import io.vigil.portal.web.Fanout;
import io.vigil.portal.web.Viewer;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The alert list across customers, with filters, and bulk acknowledge / resolve of the alerts ticked in it. */
@Path("/alerts")
public class AlertsResource {

    /** Rows shown; the list is newest first, so the rest are older. */
    static final int ROWS = 200;
    private static final int PER_CUSTOMER = 50;

    private final TenantsApi tenants;
    private final DetectionApi detection;
    private final Fanout fanout;
    private final Viewer viewer;

    public AlertsResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection, Fanout fanout, Viewer viewer) {
        this.tenants = tenants;
        this.detection = detection;
        this.fanout = fanout;
        this.viewer = viewer;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alerts(AlertFilter filter, List<AlertRow> rows, int more, boolean older,
                                              List<String> failures, String notice);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> list(@QueryParam("customer") String customer, @QueryParam("status") String status,
                                      @QueryParam("family") String family, @QueryParam("type") String type,
                                      @QueryParam("severity") String severity, @QueryParam("source") String source,
                                      @QueryParam("notice") String notice) {
        AlertFilter f = AlertFilter.of(customer, status, family, type, severity, source);
        Uni<Found> found = f.customer() != null ? tenants.customer(f.customer()).flatMap(c -> perCustomer(List.of(c), f, ROWS))
                : fanout.customers().flatMap(cs -> viewer.customerViewer() ? perCustomer(cs, f, PER_CUSTOMER) : perMsp(cs, f));
        return found.map(r -> {
            List<AlertRow> rows = new ArrayList<>(r.rows);
            rows.sort(Comparator.comparing((AlertRow row) -> row.alert().lastSeen(), Comparator.nullsLast(Comparator.reverseOrder())));
            int more = Math.max(0, rows.size() - ROWS);
            return Templates.alerts(f, rows.subList(0, Math.min(ROWS, rows.size())), more, r.older, r.failures, notice);
        });
    }

    /** Alerts with their customers, the answers that could not be read, and whether an API had older ones. */
    private static final class Found {
        final List<AlertRow> rows = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        boolean older;
    }

    /** The newest {@code limit} of each customer: a customer viewer's own, or one customer picked in the filter. */
    private Uni<Found> perCustomer(List<Customer> customers, AlertFilter f, int limit) {
        return fanout.each(customers, c -> detection.alerts(c.id(), null, limit, f.apiStatus(), f.family(), f.type(),
                        f.severity(), f.source()))
                .map(each -> {
                    Found found = new Found();
                    for (Fanout.Each<Page<Alert>> e : each) {
                        if (e.value() == null) {
                            found.failures.add(e.customer().name() + ": " + e.error());
                        } else {
                            e.value().items().forEach(a -> found.rows.add(new AlertRow(e.customer(), a)));
                        }
                    }
                    return found;
                });
    }

    /**
     * The first {@link #ROWS} of each MSP (latest activity first) in one call per MSP, kept to the customers the list of
     * customers has (the active ones); a 404 (to a platform-admin) means detection knows none of the MSP's customers yet.
     */
    private Uni<Found> perMsp(List<Customer> customers, AlertFilter f) {
        return fanout.perMsp(customers, m -> detection.mspAlerts(m, null, ROWS, f.apiStatus(), f.family(), f.type(),
                        f.severity(), f.source()))
                .map(r -> {
                    Found found = new Found();
                    found.failures.addAll(r.failures());
                    for (Page<Alert> page : r.answers().values()) {
                        found.older |= page.nextCursor() != null;
                        page.items().stream().filter(a -> r.customers().containsKey(a.customerId()))
                                .forEach(a -> found.rows.add(new AlertRow(r.customers().get(a.customerId()), a)));
                    }
                    return found;
                });
    }

    /** Acknowledges or resolves every ticked alert; one refusal does not stop the others, and each is reported. */
    @POST
    @Path("/bulk")
    public Uni<Response> bulk(@RestForm String action, @RestForm List<String> pick, @RestForm String back) {
        if (!"ack".equals(action) && !"resolve".equals(action)) {
            throw new BadRequestException("action must be ack or resolve");
        }
        List<String> picked = pick == null ? List.of() : pick;
        return Multi.createFrom().iterable(picked)
                .onItem().transformToUni(key -> {
                    int slash = key.indexOf('/');
                    if (slash <= 0) {
                        return Uni.createFrom().item(key + ": not an alert");
                    }
                    String c = key.substring(0, slash);
                    String a = key.substring(slash + 1);
                    Uni<Alert> call = "ack".equals(action) ? detection.acknowledge(c, a) : detection.resolve(c, a);
                    return call.map(x -> (String) null)
                            .onFailure(e -> !ErrorPages.sessionExpired(e)).recoverWithItem(e -> a + ": " + ErrorPages.describe(e));
                }).merge(4)
                .collect().asList()
                .map(results -> {
                    List<String> failed = results.stream().filter(r -> r != null).toList();
                    String notice = (picked.size() - failed.size()) + (action.equals("ack") ? " acknowledged" : " resolved")
                            + (failed.isEmpty() ? "" : "; " + failed.size() + " not changed (" + String.join("; ", failed) + ")");
                    return Response.seeOther(URI.create(AlertDetailResource.local(back, "/alerts") + sep(back) + "notice="
                            + URLEncoder.encode(notice, StandardCharsets.UTF_8))).build();
                });
    }

    private static String sep(String back) {
        return AlertDetailResource.local(back, "/alerts").contains("?") ? "&" : "?";
    }
}
