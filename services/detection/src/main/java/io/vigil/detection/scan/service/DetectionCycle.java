package io.vigil.detection.scan.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.service.AlertService;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.repository.BaselineReader;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.rule.RuleMatch;
import io.vigil.detection.rule.repository.RuleRepository;
import io.vigil.detection.scan.Attempt;
import io.vigil.detection.scan.DistributedScans;
import io.vigil.detection.scan.Finding;
import io.vigil.detection.scan.Networks;
import io.vigil.detection.scan.ScanAnalyzer;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.SeqRange;
import io.vigil.detection.scan.repository.FlowReader;
import io.vigil.detection.scan.repository.SensorMarks;
import io.vigil.detection.shard.TenantShard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The scheduled detection cycle: for each tenant with newly stored batches, judge exactly those batches (fast scans,
 * from raw flows) and the slow horizon of the sources that probed (slow scans, from flows_1m), merge the findings into
 * alerts and move the tenant's per-sensor marks, in one PostgreSQL transaction.
 */
@ApplicationScoped
public class DetectionCycle {

    private static final Logger LOG = Logger.getLogger(DetectionCycle.class);
    /** Flows may start up to ingest's clock-skew allowance after they are received. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private final FlowReader flows;
    private final SensorMarks marks;
    /** The marks this replica last committed or read, per tenant: lets an idle cycle skip PostgreSQL. */
    private final Map<String, Map<String, Long>> knownMarks = new ConcurrentHashMap<>();
    private final TenantShard shard;
    private final AlertService alerts;
    private final CustomerDirectory customers;
    private final BaselineStore baselineStore;
    private final BaselineReader baselineReader;
    private final RuleRepository rules;
    private final Event<AlertChanged> changed;
    private final double headroom;
    private final Counter suppressedCount;
    private final ScanAnalyzer analyzer;
    private final DistributedScans distributed;
    private final Duration distributedWindow;
    private final int distributedMinSources;
    private final Duration maxCatchUp;
    private final Duration slowHorizon;
    private final int slowMinTargets;
    private final int maxSources;
    private final Timer tenantTimer;
    private final Counter attemptsRead;
    private final Counter findingsCount;
    private final Counter failures;

    public DetectionCycle(FlowReader flows, SensorMarks marks, TenantShard shard, AlertService alerts, CustomerDirectory customers, BaselineStore baselineStore,
                          BaselineReader baselineReader, RuleRepository rules, Event<AlertChanged> changed, MeterRegistry registry,
                          @ConfigProperty(name = "vigil.detection.baseline.headroom") double headroom,
                          @ConfigProperty(name = "vigil.detection.max-catch-up") Duration maxCatchUp,
                          @ConfigProperty(name = "vigil.detection.slow-horizon") Duration slowHorizon,
                          @ConfigProperty(name = "vigil.detection.slow-min-targets") int slowMinTargets,
                          @ConfigProperty(name = "vigil.detection.window-min-targets") int windowMinTargets,
                          @ConfigProperty(name = "vigil.detection.sweep-min-hosts") int sweepMinHosts,
                          @ConfigProperty(name = "vigil.detection.distributed.window") Duration distributedWindow,
                          @ConfigProperty(name = "vigil.detection.distributed.min-sources") int distributedMinSources,
                          @ConfigProperty(name = "vigil.detection.distributed.min-targets") int distributedMinTargets,
                          @ConfigProperty(name = "vigil.detection.max-sources") int maxSources) {
        this.flows = flows;
        this.marks = marks;
        this.shard = shard;
        this.alerts = alerts;
        this.customers = customers;
        this.baselineStore = baselineStore;
        this.baselineReader = baselineReader;
        this.rules = rules;
        this.changed = changed;
        this.headroom = headroom;
        this.analyzer = new ScanAnalyzer(windowMinTargets, sweepMinHosts);
        this.distributed = new DistributedScans(analyzer, distributedMinSources, distributedMinTargets);
        this.distributedWindow = distributedWindow;
        this.distributedMinSources = distributedMinSources;
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
        this.suppressedCount = Counter.builder("vigil.detection.findings.dropped")
                .description("findings that raised nothing: within the source's baseline, allow-listed or suppressed").register(registry);
        this.failures = Counter.builder("vigil.detection.tenant.cycle.failures")
                .description("tenant cycles that failed and will be retried").register(registry);
    }

    /**
     * What one tenant's cycle did.
     *
     * @param findings the findings merged into alerts
     * @param dropped  findings that raised nothing: within the source's baseline, allow-listed or suppressed
     */
    public record TenantRun(String tenant, List<SeqRange> batches, int attempts, int sources, List<Finding> findings,
                            List<Dropped> dropped) {

        /** The batches judged, summed over the tenant's sensors. */
        public long batchCount() {
            return batches.stream().mapToLong(b -> b.upTo() - b.after()).sum();
        }
    }

    /** @param reason "baseline", "allow-list rl-…" or "suppression rl-…" */
    public record Dropped(Finding finding, String reason, Gate.Verdict verdict) {
    }

    @Scheduled(every = "${vigil.detection.cycle-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("detection cycle failed (retried next cycle from the same marks): %s", e.getMessage());
        }
    }

    /**
     * One cycle over every tenant of this replica's shard with batches stored beyond its marks. Idle, it costs one
     * query over {@code sensor_batches} and a comparison with the marks in memory.
     *
     * @param now the cycle's clock: batches received before now − max-catch-up are not judged
     */
    public List<TenantRun> run(Instant now) {
        return run(now, shard::owns);
    }

    /** {@link #run(Instant)} over the given tenants only (tests keep to their own tenants on the shared stack). */
    public List<TenantRun> run(Instant now, Predicate<String> tenants) {
        Map<String, List<FlowReader.StoredSeq>> byTenant = flows.storedSeqs(now.minus(maxCatchUp)).stream()
                .filter(s -> tenants.test(s.tenant()))
                .collect(Collectors.groupingBy(FlowReader.StoredSeq::tenant, LinkedHashMap::new, Collectors.toList()));
        List<TenantRun> runs = new ArrayList<>();
        for (Map.Entry<String, List<FlowReader.StoredSeq>> e : byTenant.entrySet()) {
            Map<String, Long> known = knownMarks.get(e.getKey());
            if (known != null && e.getValue().stream().allMatch(s -> s.seq() == known.getOrDefault(s.sensor(), 0L))) {
                continue;
            }
            try {
                runs.add(runTenant(e.getKey(), e.getValue(), now));
            } catch (RuntimeException ex) {
                failures.increment();
                LOG.warnf("tenant %s: detection failed, retried next cycle: %s", e.getKey(), ex.getMessage());
            }
        }
        return runs;
    }

    /** Judges the tenant's batches stored beyond its marks. Blocking: call off the event loop. */
    public TenantRun runTenant(String tenant, Instant now) {
        return runTenant(tenant, flows.storedSeqs(tenant, now.minus(maxCatchUp)), now);
    }

    private TenantRun runTenant(String tenant, List<FlowReader.StoredSeq> stored, Instant now) {
        Timer.Sample sample = Timer.start();
        try {
            TenantRun run = judge(tenant, stored, now);
            attemptsRead.increment(run.attempts());
            findingsCount.increment(run.findings().size());
            return run;
        } catch (RuntimeException e) {
            knownMarks.remove(tenant);
            throw e;
        } finally {
            sample.stop(tenantTimer);
        }
    }

    private TenantRun judge(String tenant, List<FlowReader.StoredSeq> stored, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.SECONDS);
        Map<String, Long> processed = marks.of(tenant).await().atMost(Duration.ofSeconds(30));
        List<SeqRange> batches = new ArrayList<>();
        for (FlowReader.StoredSeq s : stored) {
            long done = processed.getOrDefault(s.sensor(), 0L);
            if (s.seq() > done) {
                batches.add(new SeqRange(s.sensor(), done, s.seq()));
            } else if (s.seq() < done) {
                // Sequences never go back for a sensor (ingest drops a batch at or below the stored mark as a resend),
                // so ClickHouse lost or was reset to older data: judge what it holds again rather than nothing forever.
                LOG.warnf("tenant %s sensor %s: stored batches went back from %d to %d (ClickHouse data reset?); judged again",
                        tenant, s.sensor(), done, s.seq());
                batches.add(new SeqRange(s.sensor(), 0, s.seq()));
            }
        }
        if (batches.isEmpty()) {
            knownMarks.put(tenant, processed);
            return new TenantRun(tenant, batches, 0, 0, List.of(), List.of());
        }
        List<Attempt> window = flows.window(tenant, batches, end.minus(maxCatchUp));
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
        if (failingQuietly(bySource, findings)) {
            Set<String> flagged = findings.stream().map(Finding::source).collect(Collectors.toSet());
            findings.addAll(distributed.find(flows.sharedFailures(tenant, end.minus(distributedWindow), end.plus(MAX_CLOCK_SKEW),
                    distributedMinSources), flagged));
        }
        Instant at = Instant.now();
        Customer customer = customers.find(tenant).await().atMost(Duration.ofSeconds(30));
        if (customer == null && !findings.isEmpty()) {
            LOG.warnf("tenant %s is unknown to tenants: its alerts get no MSP and no internal networks", tenant);
        }
        Networks networks = customer == null ? Networks.NONE : customer.networks();
        List<Dropped> dropped = new ArrayList<>();
        List<Judged> judged = baselineGate(tenant, findings, networks, end, dropped);
        List<AlertChanged> changes = new ArrayList<>();
        await(() -> Panache.withTransaction(() -> rules.activeFor(tenant, customer == null ? null : customer.mspId(), at)
                .chain(active -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Judged j : judged) {
                        Optional<Rule> rule = RuleMatch.first(active, j.finding());
                        if (rule.isPresent()) {
                            rule.get().hits++;
                            rule.get().lastHitAt = at;
                            dropped.add(new Dropped(j.finding(), rule.get().kind == Rule.Kind.ALLOW ? "allow-list " + rule.get().id
                                    : "suppression " + rule.get().id, j.verdict()));
                            continue;
                        }
                        chain = chain.chain(x -> alerts.record(tenant, customer, j.finding(), j.verdict(), at)
                                .invoke(c -> {
                                    if (c != null) {
                                        changes.add(c);
                                    }
                                }).replaceWithVoid());
                    }
                    return chain;
                })
                .chain(x -> Panache.getSession().chain(s -> marks.advance(s, tenant, batches, processed, at)))));
        Map<String, Long> committed = new HashMap<>(processed);
        batches.forEach(b -> committed.put(b.sensor(), b.upTo()));
        knownMarks.put(tenant, committed);
        for (AlertChanged c : changes) {
            try {
                changed.fire(c);
            } catch (RuntimeException e) {
                LOG.warnf("tenant %s: an AlertChanged observer failed for alert %s: %s", tenant, c.alert().id(), e.toString());
            }
        }
        suppressedCount.increment(dropped.size());
        List<Finding> raised = judged.stream().map(Judged::finding)
                .filter(f -> dropped.stream().noneMatch(d -> d.finding() == f)).toList();
        if (!findings.isEmpty()) {
            LOG.infof("tenant %s %s: %d findings from %d probing sources, %d dropped (baseline or rules)", tenant, batches,
                    findings.size(), probing.size(), dropped.size());
        }
        return new TenantRun(tenant, batches, window.size(), probing.size(), raised, dropped);
    }

    /**
     * Whether some source failed in the new batches without a finding of its own: only then can a distributed scan have
     * grown, so only then is the window of the whole tenant read.
     */
    private static boolean failingQuietly(Map<String, List<Attempt>> bySource, List<Finding> findings) {
        Set<String> found = findings.stream().map(Finding::source).collect(Collectors.toSet());
        return bySource.entrySet().stream().anyMatch(e -> !found.contains(e.getKey())
                && e.getValue().stream().anyMatch(a -> a.probe() && a.outcome() == Attempt.Outcome.FAILED));
    }

    /** A finding that goes on to the rules, with its baseline comparison. */
    private record Judged(Finding finding, Gate.Verdict verdict) {
    }

    /**
     * Compares each finding's source with its baseline: over the last hour for fast findings, over the evidence's
     * span for slow ones. Findings of a MATURE host within its baseline are dropped. A distributed scan has no single
     * host to compare: it goes on.
     */
    private List<Judged> baselineGate(String tenant, List<Finding> findings, Networks networks, Instant end, List<Dropped> dropped) {
        if (findings.isEmpty()) {
            return List.of();
        }
        Set<String> sources = findings.stream().filter(f -> f.type() != ScanType.DISTRIBUTED).map(Finding::source)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<String> internal = sources.stream().filter(networks::contains).toList();
        Map<String, HostBaseline> known = baselineStore.find(tenant, internal).await().atMost(Duration.ofSeconds(30));
        Map<String, HourSample> lastHour = baselineReader.observed(tenant, sources, end.minus(Duration.ofHours(1)), end.plus(MAX_CLOCK_SKEW));
        List<Judged> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.type() == ScanType.DISTRIBUTED) {
                out.add(new Judged(f, Gate.acrossSources(f.sources().size(), distributedWindow)));
                continue;
            }
            HourSample observed = lastHour.get(f.source());
            int hours = 1;
            if ("slow".equals(f.decidedBy())) {
                Instant since = Instant.ofEpochMilli(f.firstMs()).truncatedTo(ChronoUnit.MINUTES);
                hours = (int) Math.max(1, Math.ceil(Duration.between(since, end).toMinutes() / 60.0));
                observed = baselineReader.observed(tenant, List.of(f.source()), since, end.plus(MAX_CLOCK_SKEW)).get(f.source());
            }
            Gate.Verdict verdict = Gate.judge(known.get(f.source()), observed, end, hours, headroom, networks.contains(f.source()));
            if (verdict.withinBaseline()) {
                dropped.add(new Dropped(f, "baseline", verdict));
            } else {
                out.add(new Judged(f, verdict));
            }
        }
        return out;
    }

    private static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }
}
