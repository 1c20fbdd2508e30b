package io.vigil.portal.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps /q/metrics inside the cluster. The portal's Ingress routes every path to it, and the metrics need no sign-in
 * (Prometheus has none), so a request that came through a proxy (ingress-nginx always adds X-Forwarded-For and
 * X-Real-IP, whatever the client sends) is answered 404. Prometheus scrapes the pod directly, without them.
 */
@ApplicationScoped
public class InternalEndpoints {

    static final String METRICS = "/q/metrics";

    void register(@Observes Filters filters) {
        filters.register(this::handle, SecurityHeaders.PRIORITY - 1);
    }

    void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        boolean internal = path.equals(METRICS) || path.startsWith(METRICS + "/");
        if (internal && (rc.request().headers().contains("X-Forwarded-For") || rc.request().headers().contains("X-Real-IP")
                || rc.request().headers().contains("Forwarded"))) {
            rc.response().setStatusCode(404).end();
            return;
        }
        rc.next();
    }
}
