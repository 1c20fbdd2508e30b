package io.vigil.ingest.retention.rest;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vigil.ingest.retention.service.RetentionJob;
import io.vigil.ingest.retention.service.RetentionReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * {@code POST /api/v1/admin/retention/run}: an operator runs the retention job now and gets its report as JSON (200),
 * or 409 while a run is going. Only a platform-admin's token passes (quarkus.http.auth.permission.retention in
 * application.properties); ingest has no REST layer otherwise, so this is one Vert.x route on its one HTTP port.
 */
@ApplicationScoped
public class RetentionRoute {

    public static final String PATH = "/api/v1/admin/retention/run";
    private static final Logger LOG = Logger.getLogger(RetentionRoute.class);

    private final RetentionJob job;

    public RetentionRoute(RetentionJob job) {
        this.job = job;
    }

    void routes(@Observes Router router) {
        // A run takes minutes: off the event loop, and runs from several requests are not queued behind each other.
        router.post(PATH).blockingHandler(this::run, false);
    }

    private void run(RoutingContext ctx) {
        LOG.infof("retention: run requested through %s", PATH);
        try {
            RetentionReport report = job.run();
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.encode(report));
        } catch (RetentionJob.AlreadyRunning e) {
            problem(ctx, 409, "conflict", "Conflict", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("retention: the requested run failed", e);
            problem(ctx, 500, "internal", "Internal error", e.toString());
        }
    }

    private static void problem(RoutingContext ctx, int status, String type, String title, String detail) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(new JsonObject().put("type", "https://vigil.io/problems/" + type).put("title", title)
                        .put("status", status).put("detail", detail).encode());
    }
}
