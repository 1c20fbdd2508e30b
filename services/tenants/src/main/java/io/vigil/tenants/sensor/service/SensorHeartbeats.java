package io.vigil.tenants.sensor.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import io.vigil.tenants.sensor.Heartbeat;
import io.vigil.tenants.sensor.repository.HeartbeatReader;
import io.vigil.tenants.sensor.rest.SensorView;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds last seen, version and interfaces from ClickHouse to sensor views. ClickHouse is not needed to manage tenants,
 * so when it is down or slow the views keep those fields null and a warning is logged (at most every 30 s), rather
 * than the sensor list failing.
 */
@ApplicationScoped
public class SensorHeartbeats {

    private static final Logger LOG = Logger.getLogger(SensorHeartbeats.class);
    private static final long WARN_EVERY_MS = 30_000;

    private final HeartbeatReader reader;
    private final Duration timeout;
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

    public SensorHeartbeats(HeartbeatReader reader,
                            @ConfigProperty(name = "vigil.tenants.heartbeat-timeout", defaultValue = "2s") Duration timeout) {
        this.reader = reader;
        this.timeout = timeout;
    }

    /** The views with their sensors' latest heartbeats; views of sensors never heard from keep nulls. */
    public Uni<List<SensorView>> attach(TenantContext ctx, List<SensorView> views) {
        if (views.isEmpty()) {
            return Uni.createFrom().item(views);
        }
        List<String> customers = views.stream().map(SensorView::customerId).distinct().toList();
        List<String> ids = views.stream().map(SensorView::id).toList();
        return Uni.createFrom().item(() -> reader.latest(ctx, customers, ids))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout).fail()
                .onFailure().recoverWithItem(t -> {
                    warn(customers, t);
                    return Map.<String, Heartbeat>of();
                })
                .map(latest -> views.stream().map(v -> v.with(latest.get(v.id()))).toList());
    }

    public Uni<SensorView> attach(TenantContext ctx, SensorView view) {
        return attach(ctx, List.of(view)).map(list -> list.get(0));
    }

    private void warn(List<String> customers, Throwable t) {
        String who = customers.size() == 1 ? "customer " + customers.get(0) : customers.size() + " customers";
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("sensor heartbeats unavailable (%s): %s; answering with last seen, version and interfaces null",
                    who, ClickHouseQueries.rootMessage(t));
        } else {
            LOG.debugf("sensor heartbeats unavailable (%s): %s", who, ClickHouseQueries.rootMessage(t));
        }
    }
}
