package io.vigil.detection.scan.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.service.AlertService;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.scan.Attempt;
import io.vigil.detection.scan.Finding;
import io.vigil.detection.scan.ScanAnalyzer;
import io.vigil.detection.scan.Watermark;
import io.vigil.detection.scan.repository.FlowReader;
import io.vigil.detection.shard.TenantShard;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The scheduled detection cycle: for each tenant with new flows, judge the flows received since its watermark
 * (fast scans, from raw flows) and the slow horizon of the sources that probed (slow scans, from flows_1m), merge the
 * findings into alerts and move the watermark, in one PostgreSQL transaction.
 */
@ApplicationScoped
public class DetectionCycle {

    private static final Logger LOG = Logger.getLogger(DetectionCycle.class);
    /** Flows may start up to ingest's clock-skew allowance after they are received. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final FlowReader flows;
    private final TenantShard shard;
    private final AlertService alerts;
    private final ScanAnalyzer analyzer;
    private final Duration settleLag;
    private final Duration maxCatchUp;
    private final Duration slowHorizon;
    private final int slowMinTargets;
    private final int maxSources;
    private final Timer tenantTimer;
    private final Counter attemptsRead;
    private final Counter findingsCount;
    private final Counter failures;

    public DetectionCycle(FlowReader flows, TenantShard shard, AlertService alerts, MeterRegistry registry,
                          @ConfigProperty(name = "vigil.detection.settle-lag") Duration settleLag,
                          @ConfigProperty(name = "vigil.detection.max-catch-up") Duration maxCatchUp,
                          @ConfigProperty(name = "vigil.detection.slow-horizon") Duration slowHorizon,
                          @ConfigProperty(name = "vigil.detection.slow-min-targets") int slowMinTargets,
                          @ConfigProperty(name = "vigil.detection.window-min-targets") int windowMinTargets,
                          @ConfigProperty(name = "vigil.detection.max-sources") int maxSources) {
        this.flows = flows;
        this.shard = shard;
        this.alerts = alerts;
        this.analyzer = new ScanAnalyzer(windowMinTargets);
        this.settleLag = settleLag;
        this.maxCatchUp = maxCatchUp;
        this.slowHorizon = slowHorizon;
        this.slowMinTargets = slowMinTargets;
        this.maxSources = maxSources;
        // Tenant-free names and no labels: one series each, whatever the number of customers.
        this.tenantTimer = Timer.builder("vigil.detection.tenant.cycle.duration")
                .description("time to judge one tenant's new flows and store the findings").register(registry);
        this.attemptsRead = Counter.builder("vigil.detection.attempts.read")
                .description("aggregated attempts read from ClickHouse").register(registry);
        this.findingsCount = Counter.builder("vigil.detection.findings")
                .description("scan findings merged into alerts").register(registry);
        this.failures = Counter.builder("vigil.detection.tenant.cycle.failures")
                .description("tenant cycles that failed and will be retried").register(registry);
    }

    /** What one tenant's cycle did. */
    public record TenantRun(String tenant, Instant from, Instant until, int attempts, int sources, List<Finding> findings) {
    }

    @Scheduled(every = "${vigil.detection.cycle-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run(Instant.now().minus(settleLag));
        } catch (RuntimeException e) {
            LOG.warnf("detection cycle failed (retried next cycle from the same watermarks): %s", e.getMessage());
        }
    }

    /** One cycle over every tenant of this replica's shard with flows received in the catch-up horizon before {@code until}. */
    public List<TenantRun> run(Instant until) {
        Instant end = until.truncatedTo(ChronoUnit.SECONDS);
        List<TenantRun> runs = new ArrayList<>();
        for (String tenant : flows.tenantsWithFlows(end.minus(maxCatchUp), end)) {
            if (!shard.owns(tenant)) {
                continue;
            }
            try {
                runs.add(runTenant(tenant, end));
            } catch (RuntimeException e) {
                failures.increment();
                LOG.warnf("tenant %s: detection failed, retried next cycle: %s", tenant, e.getMessage());
            }
        }
        return runs;
    }

    /** Judges one tenant's flows received between its watermark and {@code until}. Blocking: call off the event loop. */
    public TenantRun runTenant(String tenant, Instant until) {
        Timer.Sample sample = Timer.start();
        TenantRun run = judge(tenant, until);
        sample.stop(tenantTimer);
        attemptsRead.increment(run.attempts());
        findingsCount.increment(run.findings().size());
        return run;
    }

    private TenantRun judge(String tenant, Instant until) {
        Instant end = until.truncatedTo(ChronoUnit.SECONDS);
        Watermark mark = await(() -> Panache.withSession(() -> Panache.getSession().chain(s -> s.find(Watermark.class, tenant))));
        Instant floor = end.minus(maxCatchUp);
        Instant from = mark == null || mark.processedUntil.isBefore(floor) ? floor : mark.processedUntil;
        if (!from.isBefore(end)) {
            return new TenantRun(tenant, from, end, 0, 0, List.of());
        }
        List<Attempt> window = flows.window(tenant, from, end);
        // Sources with probes, the busiest first, bounded so one noisy tenant cannot stall the cycle.
        Map<String, List<Attempt>> bySource = window.stream().collect(Collectors.groupingBy(Attempt::source, LinkedHashMap::new, Collectors.toList()));
        List<String> probing = bySource.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(Attempt::probe))
                .sorted(Comparator.comparingLong((Map.Entry<String, List<Attempt>> e) ->
                        -e.getValue().stream().mapToLong(Attempt::failed).sum()))
                .limit(maxSources).map(Map.Entry::getKey).toList();
        List<Finding> findings = new ArrayList<>();
        for (String source : probing) {
            findings.addAll(analyzer.analyze(source, bySource.get(source), false, 0));
        }
        if (!probing.isEmpty()) {
            List<Attempt> history = flows.history(tenant, probing, end.minus(slowHorizon), end.plus(MAX_CLOCK_SKEW));
            Map<String, List<Attempt>> historyBySource = history.stream().collect(Collectors.groupingBy(Attempt::source));
            for (String source : probing) {
                for (Finding slow : analyzer.analyze(source, historyBySource.getOrDefault(source, List.of()), true, slowMinTargets)) {
                    boolean fastSawIt = findings.stream().anyMatch(f -> !"slow".equals(f.decidedBy())
                            && f.type() == slow.type() && f.source().equals(slow.source()));
                    if (!fastSawIt) {
                        findings.add(slow);
                    }
                }
            }
        }
        Instant now = Instant.now();
        await(() -> Panache.withTransaction(() -> Panache.getSession().chain(s -> s.find(CustomerProfile.class, tenant))
                .chain(profile -> {
                    if (profile == null && !findings.isEmpty()) {
                        LOG.warnf("tenant %s has no customer profile: its alerts get no MSP and no internal networks", tenant);
                    }
                    Uni<Alert> chain = Uni.createFrom().nullItem();
                    for (Finding f : findings) {
                        chain = chain.chain(x -> alerts.record(tenant, profile, f, now));
                    }
                    return chain;
                })
                .chain(x -> Panache.getSession().chain(s -> s.find(Watermark.class, tenant)))
                .chain(w -> {
                    Watermark m = w == null ? new Watermark() : w;
                    m.tenantId = tenant;
                    m.processedUntil = end;
                    m.updatedAt = now;
                    return w == null ? Panache.getSession().chain(s -> s.persist(m)) : Uni.createFrom().voidItem();
                })));
        if (!findings.isEmpty()) {
            LOG.infof("tenant %s [%s, %s): %d findings from %d probing sources", tenant, from, end, findings.size(), probing.size());
        }
        return new TenantRun(tenant, from, end, window.size(), probing.size(), findings);
    }

    private static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }
}
