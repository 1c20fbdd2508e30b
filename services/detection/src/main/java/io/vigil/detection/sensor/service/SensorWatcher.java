package io.vigil.detection.sensor.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.notify.service.ChangeNotices;
import io.vigil.detection.notify.service.DeliveryWorker;
import io.vigil.detection.sensor.Registration;
import io.vigil.detection.sensor.Roster;
import io.vigil.detection.sensor.SensorChanged;
import io.vigil.detection.sensor.SensorKey;
import io.vigil.detection.sensor.SensorWatchConfig;
import io.vigil.detection.sensor.WatchPlan;
import io.vigil.detection.sensor.Watched;
import io.vigil.detection.sensor.repository.HeartbeatReader;
import io.vigil.detection.sensor.repository.PresenceRepository;
import io.vigil.detection.shard.TenantShard;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Tells the MSP when a sensor goes quiet and when it reports again (sensor.offline, sensor.online). Each round: the
 * enrolled sensors of this replica's shard from tenants (the recorded ones when tenants fails), the newest heartbeats
 * of all of them from ClickHouse in one query, the decisions ({@link WatchPlan}, pure), and one PostgreSQL transaction
 * that records them by compare-and-set and queues the announcements in the outbox. The delivery worker sends them with
 * the alerts' retries and signatures.
 * <p>
 * Exactly one announcement per transition: the decision names the transition by its own instant (not the round's), the
 * record is a compare-and-set on each row's version, and the outbox refuses a second row of one (destination, key). So
 * a restart re-decides nothing already recorded, and two replicas that both judge a sensor during a shard change record
 * (and queue) it once.
 */
@ApplicationScoped
public class SensorWatcher {

    private static final Logger LOG = Logger.getLogger(SensorWatcher.class);
    private static final Duration PG_TIMEOUT = Duration.ofSeconds(30);

    private final SensorDirectory directory;
    private final PresenceRepository presence;
    private final HeartbeatReader heartbeats;
    private final ChangeNotices notices;
    private final DeliveryWorker deliveries;
    private final TenantShard shard;
    private final SensorWatchConfig config;
    private final AtomicInteger offline = new AtomicInteger();

    public SensorWatcher(SensorDirectory directory, PresenceRepository presence, HeartbeatReader heartbeats,
                         ChangeNotices notices, DeliveryWorker deliveries, TenantShard shard, SensorWatchConfig config,
                         MeterRegistry registry) {
        this.directory = directory;
        this.presence = presence;
        this.heartbeats = heartbeats;
        this.notices = notices;
        this.deliveries = deliveries;
        this.shard = shard;
        this.config = config;
        if (config.heartbeatHorizon().compareTo(config.offlineAfter()) < 0) {
            throw new IllegalArgumentException("vigil.detection.sensors.heartbeat-horizon (" + config.heartbeatHorizon()
                    + ") must be at least vigil.detection.sensors.offline-after (" + config.offlineAfter() + ")");
        }
        Gauge.builder("vigil.detection.sensors.offline", offline, AtomicInteger::get).strongReference(true)
                .description("enrolled sensors of this replica's shard without a heartbeat for the offline time").register(registry);
    }

    /**
     * What a round did.
     *
     * @param watched  sensors of this shard followed
     * @param offline  of them, offline after the round
     * @param events   transitions recorded (and announced to every destination that chose them)
     * @param queued   deliveries queued for them
     */
    public record Round(int watched, int offline, List<SensorChanged> events, int queued) {
    }

    @Scheduled(every = "${vigil.detection.sensors.check-interval}", delayed = "15s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Disabled.class)
    void scheduled() {
        try {
            watch(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("sensor watch round failed (nothing recorded; retried next round): %s", e.getMessage());
        }
    }

    /** Skips rounds when {@code vigil.detection.sensors.enabled} is false. */
    @ApplicationScoped
    public static class Disabled implements Scheduled.SkipPredicate {
        private final SensorWatchConfig config;

        public Disabled(SensorWatchConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.enabled();
        }
    }

    /** One round at {@code now} (the clock the decisions use; tests pass their own). Blocking. */
    public Round watch(Instant now) {
        List<Watched> sensors = roster();
        Map<SensorKey, Instant> newest = heartbeats.newestSince(now.minus(config.heartbeatHorizon()));
        WatchPlan plan = WatchPlan.of(sensors, newest, now, config.offlineAfter());
        Round round = await(() -> Panache.withTransaction(() -> Panache.getSession().chain(session ->
                presence.record(session, plan.changes()).chain(recorded -> {
                    List<SensorChanged> events = plan.events().stream()
                            .filter(e -> recorded.contains(new SensorKey(e.customerId(), e.sensorId()))).toList();
                    return notices.queueSensors(session, events)
                            .map(queued -> new Round(sensors.size(), plan.offline(), events, queued));
                }))));
        offline.set(round.offline());
        if (round.queued() > 0) {
            deliveries.kick();
        }
        for (SensorChanged e : round.events()) {
            LOG.infof("sensor %s of customer %s is %s (last heartbeat %s)", e.sensorId(), e.customerId(), e.event(),
                    e.lastHeartbeat());
        }
        return round;
    }

    /**
     * This shard's sensors, after bringing the record in line with tenants' list: new enrolled sensors added (waiting
     * for a heartbeat), renamed or moved ones updated, revoked and deleted ones forgotten. When tenants fails, the
     * recorded sensors are watched as they are.
     */
    private List<Watched> roster() {
        List<Watched> recorded = mine(await(presence::all));
        Optional<List<Registration>> listed;
        try {
            listed = await(directory::enrolled);
        } catch (RuntimeException e) {
            LOG.warnf("tenants' sensor list failed (%s): watching the %d sensors last known", e.getMessage(), recorded.size());
            return recorded;
        }
        if (listed.isEmpty()) {
            return recorded;
        }
        Roster roster = Roster.of(recorded, listed.get().stream().filter(r -> shard.owns(r.customerId())).toList());
        if (roster.register().isEmpty() && roster.forget().isEmpty()) {
            return recorded;
        }
        await(() -> presence.register(roster.register()).chain(() -> presence.forget(roster.forget())));
        return mine(await(presence::all));
    }

    private List<Watched> mine(List<Watched> all) {
        return all.stream().filter(w -> shard.owns(w.customerId())).toList();
    }


    private static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> work.get().ifNoItem().after(PG_TIMEOUT).fail());
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }
}
