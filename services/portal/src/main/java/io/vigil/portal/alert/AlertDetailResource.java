package io.vigil.portal.alert;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Alert;
import io.vigil.portal.api.Comment;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.DetectionApi;
import io.vigil.portal.api.Flow;
import io.vigil.portal.api.NewComment;
import io.vigil.portal.api.NewRule;
import io.vigil.portal.api.TenantsApi;
import io.vigil.portal.chart.EvidenceGrid;
import io.vigil.portal.chart.ObservedVsBaseline;
import io.vigil.portal.chart.UploadTimeline;
import io.vigil.portal.web.LocalPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One alert: summary, evidence picture, baseline comparison, ATT&CK, comments, and the triage actions. */
@Path("/customers/{customerId}/alerts/{alertId}")
public class AlertDetailResource {

    /** Flows drawn in the evidence picture (detection's largest drill-down page). */
    static final int FLOWS = 1000;
    /** Exfiltration's types, whose evidence carries the bytes sent out per minute ({@code timeline}). */
    static final Set<String> UPLOADS = Set.of("UNUSUAL_UPLOAD", "DATA_STAGING");

    private final TenantsApi tenants;
    private final DetectionApi detection;

    public AlertDetailResource(@RestClient TenantsApi tenants, @RestClient DetectionApi detection) {
        this.tenants = tenants;
        this.detection = detection;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alert(AlertDetail detail, String notice);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> show(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId,
                                      @QueryParam("notice") String notice) {
        return Uni.combine().all().unis(tenants.customer(customerId), detection.alert(customerId, alertId),
                        detection.comments(customerId, alertId), detection.flows(customerId, alertId, FLOWS))
                .asTuple().map(t -> Templates.alert(detail(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4().items()),
                        notice));
    }

    /** The page's parts from what the APIs answered: pictures drawn, the suppression proposed. */
    static AlertDetail detail(Customer customer, Alert a, List<Comment> comments, List<Flow> flows) {
        Integer port = null;
        if (a.portCount() == 1 && a.ports() != null && !a.ports().isEmpty()) {
            port = Integer.valueOf(a.ports().get(0).split("/")[0]);
        }
        // A distributed scan's source is its key: a rule must then hold every member, which the user writes.
        String cidr = !a.addressSource() ? null : a.source() + (a.source().contains(":") ? "/128" : "/32");
        String uploads = UPLOADS.contains(a.type()) ? UploadTimeline.svg(a.source(), a.evidence()) : "";
        return new AlertDetail(customer, a, comments, EvidenceGrid.svg(flows, 64, 40), flows.size(), uploads,
                ObservedVsBaseline.svg(a.baseline()), cidr, port);
    }

    @POST
    @Path("/ack")
    public Uni<Response> acknowledge(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        return detection.acknowledge(customerId, alertId).map(a -> back(customerId, alertId, "Acknowledged"));
    }

    @POST
    @Path("/resolve")
    public Uni<Response> resolve(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId) {
        return detection.resolve(customerId, alertId).map(a -> back(customerId, alertId, "Resolved"));
    }

    @POST
    @Path("/comments")
    public Uni<Response> comment(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId,
                                 @RestForm String body) {
        return detection.comment(customerId, alertId, new NewComment(body)).map(c -> back(customerId, alertId, "Comment added"));
    }

    /** Suppresses alerts like this one: its source, optionally its type and port, for a while or for good. */
    @POST
    @Path("/suppress")
    public Uni<Response> suppress(@PathParam("customerId") String customerId, @PathParam("alertId") String alertId,
                                  @RestForm String sourceCidr, @RestForm String type, @RestForm Integer port,
                                  @RestForm int days, @RestForm String reason) {
        // "for ever" is offered to admins only; detection refuses it to anyone else (403)
        Instant expires = days > 0 ? Instant.now().plus(Duration.ofDays(days)) : null;
        NewRule rule = new NewRule(sourceCidr, port, type == null || type.isBlank() ? null : type, expires, reason,
                expires == null ? Boolean.TRUE : null);
        return detection.suppress(customerId, rule).map(r -> back(customerId, alertId,
                "Suppression added: later alerts like this one are dropped" + (expires == null ? "" : " for " + days + " days")));
    }

    private static Response back(String customerId, String alertId, String notice) {
        return Response.seeOther(URI.create("/customers/" + enc(customerId) + "/alerts/" + enc(alertId) + "?notice="
                + enc(notice))).build();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A local path to return to ({@code fallback} for anything else), without an earlier notice. */
    static String local(String back, String fallback) {
        String path = LocalPath.or(back, null);
        return path == null ? fallback : path.replaceAll("([?&])notice=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }
}
