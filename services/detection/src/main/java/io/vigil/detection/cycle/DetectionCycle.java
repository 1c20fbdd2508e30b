package io.vigil.detection.cycle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.baseline.BaselineConfig;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.repository.BaselineReader;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.edge.repository.EdgeStore;
import io.vigil.detection.family.Families;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Transfer;
import io.vigil.detection.notify.service.DeliveryWorker;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.rule.repository.RuleRepository;
import io.vigil.detection.shard.TenantShard;
import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The scheduled detection cycle: one pass over every tenant of this replica's shard with new batches. Per chunk of
 * tenants (DESIGN.md, "One pass per cycle"):
 * <ol>
 *   <li>{@link BatchSelector}: each sensor's batches beyond its processed mark;</li>
 *   <li>{@link FlowFeatures}: the new batches' attempts, then what the families ask for, each one grouped query for
 *   the whole chunk;</li>
 *   <li>every enabled {@link Family}: findings, per tenant, with no I/O;</li>
 *   <li>{@link FindingGate}: baselines, allow-lists and suppressions, from a few grouped reads;</li>
 *   <li>{@link AlertWriter}: the alerts, rule hits, notification deliveries and marks in one transaction.</li>
 * </ol>
 * The number of queries a cycle makes does not grow with its tenants. A tenant that fails (a lagging replica, its
 * customer unknown while tenants is down, a family's exception) is counted and left at its marks for the next cycle
 * while the others go on; a query that fails for a whole chunk is retried on halves until the tenant that breaks it
 * is alone.
 */
@ApplicationScoped
public class DetectionCycle {

    private static final Logger LOG = Logger.getLogger(DetectionCycle.class);
    /** Flows may start up to ingest's clock-skew allowance after they are received. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Duration PG_TIMEOUT = Duration.ofSeconds(60);

    private final BatchSelector selector;
    private final FlowFeatures features;
    private final CustomerDirectory customers;
    private final Families families;
    private final BaselineStore baselineStore;
    private final BaselineReader baselineReader;
    private final EdgeStore edgeStore;
    private final RuleRepository rules;
    private final AlertWriter writer;
    private final DeliveryWorker deliveries;
    private final TenantShard shard;
    private final ClickHouseEndpoints clickhouse;
    private final EngineConfig engine;
    private final FindingGate gate;
    private final Timer cycleTimer;
    private final Counter attemptsRead;
    private final Counter findingsCount;
    private final Counter droppedCount;
    private final Counter failures;
    private final Counter batchesJudged;
    /** Epoch seconds at which the last cycle ended, idle or not: how far behind detection is, seen from outside. */
    private final AtomicLong lastCompleted = new AtomicLong();
    private final MeterRegistry registry;

    public DetectionCycle(BatchSelector selector, FlowFeatures features, CustomerDirectory customers, Families families,
                          BaselineStore baselineStore, BaselineReader baselineReader, EdgeStore edgeStore, RuleRepository rules, AlertWriter writer,
                          DeliveryWorker deliveries, TenantShard shard, ClickHouseEndpoints clickhouse, EngineConfig engine,
                          BaselineConfig baseline, MeterRegistry registry) {
        this.selector = selector;
        this.features = features;
        this.customers = customers;
        this.families = families;
        this.baselineStore = baselineStore;
        this.baselineReader = baselineReader;
        this.edgeStore = edgeStore;
        this.rules = rules;
        this.writer = writer;
        this.deliveries = deliveries;
        this.shard = shard;
        this.clickhouse = clickhouse;
        this.engine = engine;
        this.gate = new FindingGate(baseline.headroom());
        this.registry = registry;
        // Tenant-free names and no labels: one series each, whatever the number of customers.
        this.cycleTimer = Timer.builder("vigil.detection.cycle.duration")
                .description("time of one cycle that had new batches to judge, all its tenants").register(registry);
        this.attemptsRead = Counter.builder("vigil.detection.attempts.read")
                .description("aggregated attempts read from ClickHouse").register(registry);
        this.findingsCount = Counter.builder("vigil.detection.findings")
                .description("findings merged into alerts").register(registry);
        this.droppedCount = Counter.builder("vigil.detection.findings.dropped")
                .description("findings that raised nothing: within the source's baseline, allow-listed or suppressed").register(registry);
        this.failures = Counter.builder("vigil.detection.tenant.cycle.failures")
                .description("tenant cycles that failed and will be retried from the same marks").register(registry);
        this.batchesJudged = Counter.builder("vigil.detection.batches.judged")
                .description("sensor batches judged, summed over the tenants of every cycle").register(registry);
        Gauge.builder("vigil.detection.cycle.last.completed.seconds", lastCompleted, AtomicLong::get)
                .description("epoch seconds at which the last cycle of this replica ended (0: none yet)").register(registry);
    }

    /**
     * What one tenant's cycle did.
     *
     * @param attempts the attempts read from its new batches (of its probing sources)
     * @param sources  distinct sources among them
     * @param findings the findings merged into alerts
     * @param dropped  findings that raised nothing: within the source's baseline, allow-listed or suppressed
     * @param changes  what the merge announced (opened, escalated, reopened alerts), notifications queued for each
     */
    public record TenantRun(String tenant, List<SeqRange> batches, int attempts, int sources, List<Finding> findings,
                            List<Dropped> dropped, List<AlertChanged> changes) {

        /** The batches judged, summed over the tenant's sensors. */
        public long batchCount() {
            return batches.stream().mapToLong(b -> b.upTo() - b.after()).sum();
        }
    }

    /** A finding that raised nothing, why, and its baseline comparison. */
    public record Dropped(Finding finding, FindingGate.DropReason reason, String ruleId, Gate.Verdict verdict) {
    }

    @Scheduled(every = "${vigil.detection.engine.cycle-interval}", delayed = "10s",
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
        List<TenantBatches> work = selector.select(now.minus(engine.maxCatchUp()), tenants);
        if (work.isEmpty()) {
            completed();
            return List.of();
        }
        Timer.Sample sample = Timer.start();
        List<TenantRun> runs = new ArrayList<>();
        for (List<TenantBatches> chunk : chunks(work, engine.chunk())) {
            Outcome outcome = runChunk(chunk, now);
            runs.addAll(outcome.runs());
            outcome.failed().forEach((tenant, e) -> LOG.warnf("tenant %s: detection failed, retried next cycle from its marks: %s",
                    tenant, e.getMessage()));
        }
        sample.stop(cycleTimer);
        batchesJudged.increment(runs.stream().mapToLong(TenantRun::batchCount).sum());
        completed();
        return runs;
    }

    private void completed() {
        lastCompleted.set(System.currentTimeMillis() / 1000);
    }

    /**
     * Runs one stage of a chunk's cycle under {@code vigil.detection.cycle.stage{stage}}: where a cycle's time goes (the
     * window read, each kind of family read, detection, the gate, the write), for operators and for the benchmark's
     * account of what a family costs. A fixed set of stage names: one series each, whatever the customers.
     */
    private <T> T timed(String stage, Supplier<T> work) {
        Timer.Sample sample = Timer.start();
        try {
            return work.get();
        } finally {
            sample.stop(registry.timer("vigil.detection.cycle.stage", "stage", stage));
        }
    }

    private void timed(String stage, Runnable work) {
        timed(stage, () -> {
            work.run();
            return null;
        });
    }

    /** Judges one tenant's batches stored beyond its marks, failing as that tenant failed. Blocking: off the event loop. */
    public TenantRun runTenant(String tenant, Instant now) {
        List<TenantBatches> work = selector.select(tenant, now.minus(engine.maxCatchUp()));
        if (work.isEmpty()) {
            return new TenantRun(tenant, List.of(), 0, 0, List.of(), List.of(), List.of());
        }
        Outcome outcome = runChunk(work, now);
        RuntimeException failed = outcome.failed().get(tenant);
        if (failed != null) {
            throw failed;
        }
        return outcome.runs().get(0);
    }

    /**
     * Tenants packed into chunks of at most {@code max-sensors} batch ranges, which bounds the SQL of every read of a
     * chunk. (Batch sequences say nothing of a range's size: a sensor numbers its batches for its whole life, so a new
     * tenant's first range can span thousands of numbers and hold a handful of flows.)
     */
    static List<List<TenantBatches>> chunks(List<TenantBatches> work, EngineConfig.Chunk limits) {
        List<List<TenantBatches>> out = new ArrayList<>();
        List<TenantBatches> current = new ArrayList<>();
        long sensors = 0;
        for (TenantBatches t : work) {
            if (!current.isEmpty() && sensors + t.ranges().size() > limits.maxSensors()) {
                out.add(current);
                current = new ArrayList<>();
                sensors = 0;
            }
            current.add(t);
            sensors += t.ranges().size();
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** What a chunk's cycle did: the runs of the tenants it committed, and the failure of each one it did not. */
    private record Outcome(List<TenantRun> runs, Map<String, RuntimeException> failed) {

        static Outcome of(Outcome a, Outcome b) {
            List<TenantRun> runs = new ArrayList<>(a.runs);
            runs.addAll(b.runs);
            Map<String, RuntimeException> failed = new LinkedHashMap<>(a.failed);
            failed.putAll(b.failed);
            return new Outcome(runs, failed);
        }
    }

    private Outcome runChunk(List<TenantBatches> chunk, Instant now) {
        Map<String, RuntimeException> failed = new LinkedHashMap<>();
        Judged judged;
        try {
            judged = judge(chunk, now, failed);
        } catch (RuntimeException e) {
            if (chunk.size() > 1 && clickhouse.ping(2000)) {
                // ClickHouse answers, so something in one tenant's data failed a query shared by the chunk: halve it
                // until that tenant is alone and the others go on.
                LOG.warnf("a read of %d tenants failed (%s); retrying them in halves", chunk.size(), e.getMessage());
                int half = chunk.size() / 2;
                return Outcome.of(runChunk(chunk.subList(0, half), now), runChunk(chunk.subList(half, chunk.size()), now));
            }
            chunk.forEach(t -> failed.put(t.tenant(), e));
            return failed(new Outcome(List.of(), failed));
        }
        List<TenantRun> runs = timed("write", () -> write(judged, failed));
        return failed(new Outcome(runs, failed));
    }

    /** Counts the failures (a lost race with another cycle is none) and forgets the failed tenants' marks. */
    private Outcome failed(Outcome outcome) {
        outcome.failed().forEach((tenant, e) -> {
            selector.forget(tenant);
            if (!(e instanceof SensorMarks.Conflict)) {
                failures.increment();
            }
        });
        return outcome;
    }

    /** A chunk's verdicts, and what each tenant's run reports. */
    private record Judged(List<TenantVerdicts> verdicts, Map<String, TenantRun> runs) {
    }

    /** Reads, detects and gates; every tenant that fails lands in {@code failed}, the others in the result. */
    private Judged judge(List<TenantBatches> chunk, Instant now, Map<String, RuntimeException> failed) {
        Instant end = now.truncatedTo(ChronoUnit.SECONDS);
        Set<Integer> sessionPorts = new TreeSet<>();
        families.enabled().forEach(f -> sessionPorts.addAll(f.sessionPorts()));
        long transferFloor = families.enabled().stream().mapToLong(Family::transferFloor).min().orElse(Long.MAX_VALUE);
        FlowFeatures.Window window = timed("window", () -> features.window(chunk, end.minus(engine.maxCatchUp()), sessionPorts, transferFloor));
        window.lagging().forEach((tenant, why) -> failed.put(tenant, new ReplicaLagging("tenant " + tenant + ": " + why)));
        CustomerDirectory.Lookup lookup = timed("directory",
                () -> await(() -> customers.findAll(live(chunk, failed).stream().map(TenantBatches::tenant).toList())));
        lookup.unavailable().forEach(tenant -> failed.put(tenant, new IllegalStateException(
                "the tenants service is unavailable and customer " + tenant + " is not known yet")));

        // Stage 1: each family sees the new batches and says what else it needs.
        Map<String, TenantWindow> windows = new LinkedHashMap<>();
        Map<String, List<FeatureRequest<?>>> requests = new LinkedHashMap<>();
        timed("requests", () -> {
            for (TenantBatches t : live(chunk, failed)) {
                Customer customer = lookup.found().get(t.tenant());
                TenantWindow w = new TenantWindow(t.tenant(), customer == null ? Networks.NONE : customer.networks(),
                        window.attempts().getOrDefault(t.tenant(), List.of()), window.sessions().getOrDefault(t.tenant(), List.of()),
                        window.transfers().getOrDefault(t.tenant(), List.of()), end);
                windows.put(t.tenant(), w);
                perTenant(t.tenant(), failed, () -> {
                    List<FeatureRequest<?>> asked = new ArrayList<>();
                    for (Family f : families.enabled()) {
                        asked.addAll(f.requests(w));
                    }
                    requests.put(t.tenant(), asked);
                });
            }
        });
        Map<String, Map<FeatureRequest<?>, Object>> reads = read(requests, windows, end);

        // Stage 2: findings and what the families learned, then the gate's inputs for all of them at once.
        Map<String, List<Finding>> findings = new LinkedHashMap<>();
        Map<String, List<AdminEdge>> learned = new LinkedHashMap<>();
        timed("detect", () -> {
            for (TenantBatches t : live(chunk, failed)) {
                perTenant(t.tenant(), failed, () -> {
                    TenantFeatures tf = new TenantFeatures(windows.get(t.tenant()), reads.getOrDefault(t.tenant(), Map.of()));
                    List<Finding> out = new ArrayList<>();
                    List<AdminEdge> edges = new ArrayList<>();
                    for (Family f : families.enabled()) {
                        Family.Judgement judged = f.judge(tf);
                        out.addAll(judged.findings());
                        edges.addAll(judged.learned());
                    }
                    findings.put(t.tenant(), out);
                    learned.put(t.tenant(), edges);
                });
            }
        });
        timed("follow-ups", () -> followUps(chunk, windows, findings, failed, end));
        List<TenantBatches> live = live(chunk, failed);
        Instant at = Instant.now();
        GateReads inputs = timed("gate-reads", () -> gateReads(live, findings, windows, lookup, end, at));
        List<TenantVerdicts> verdicts = new ArrayList<>();
        Map<String, TenantRun> runs = new LinkedHashMap<>();
        for (TenantBatches t : live) {
            Customer customer = lookup.found().get(t.tenant());
            if (customer == null && !findings.getOrDefault(t.tenant(), List.of()).isEmpty()) {
                LOG.warnf("tenant %s is unknown to tenants: its alerts get no MSP and no internal networks", t.tenant());
            }
            Networks networks = windows.get(t.tenant()).networks();
            List<FindingGate.Decision> decisions = new ArrayList<>();
            for (Finding f : findings.getOrDefault(t.tenant(), List.of())) {
                GatePolicy policy = families.of(f.family()).gate(f);
                Map<String, HourSample> observed = (policy.since() == null ? inputs.lastHour() : inputs.span())
                        .getOrDefault(t.tenant(), Map.of());
                decisions.add(gate.judge(f, policy, networks, inputs.baselines().getOrDefault(t.tenant(), Map.of()).get(f.source()),
                        observed.get(f.source()), end, inputs.rulesFor(t.tenant(), customer)));
            }
            verdicts.add(new TenantVerdicts(t, customer, decisions, learned.getOrDefault(t.tenant(), List.of())));
            List<Attempt> attempts = windows.get(t.tenant()).attempts();
            runs.put(t.tenant(), new TenantRun(t.tenant(), t.ranges(), attempts.size(),
                    (int) attempts.stream().map(Attempt::source).distinct().count(),
                    decisions.stream().filter(FindingGate.Decision::raised).map(FindingGate.Decision::finding).toList(),
                    decisions.stream().filter(d -> !d.raised())
                            .map(d -> new Dropped(d.finding(), d.dropped(), d.rule() == null ? null : d.rule().id, d.verdict())).toList(),
                    List.of()));
        }
        return new Judged(verdicts, runs);
    }

    /**
     * Stage 3, for the tenants with findings only: what each family asks about its findings (how rare a destination
     * is), read for all of them at once, and the findings refined with it.
     */
    private void followUps(List<TenantBatches> chunk, Map<String, TenantWindow> windows, Map<String, List<Finding>> findings,
                           Map<String, RuntimeException> failed, Instant end) {
        Map<String, List<FeatureRequest<?>>> asked = new LinkedHashMap<>();
        for (TenantBatches t : live(chunk, failed)) {
            perTenant(t.tenant(), failed, () -> byFamily(findings.getOrDefault(t.tenant(), List.of())).forEach((family, mine) -> {
                List<FeatureRequest<?>> more = families.of(family).followUps(mine);
                if (!more.isEmpty()) {
                    asked.computeIfAbsent(t.tenant(), k -> new ArrayList<>()).addAll(more);
                }
            }));
        }
        if (asked.isEmpty()) {
            return;
        }
        Map<String, Map<FeatureRequest<?>, Object>> reads = read(asked, windows, end);
        for (String tenant : asked.keySet()) {
            if (failed.containsKey(tenant)) {
                continue;
            }
            perTenant(tenant, failed, () -> {
                TenantFeatures tf = new TenantFeatures(windows.get(tenant), reads.getOrDefault(tenant, Map.of()));
                List<Finding> refined = new ArrayList<>();
                byFamily(findings.get(tenant)).forEach((family, mine) -> refined.addAll(families.of(family).refine(mine, tf)));
                findings.put(tenant, refined);
            });
        }
    }

    private static Map<AlertFamily, List<Finding>> byFamily(List<Finding> findings) {
        Map<AlertFamily, List<Finding>> out = new EnumMap<>(AlertFamily.class);
        findings.forEach(f -> out.computeIfAbsent(f.family(), k -> new ArrayList<>()).add(f));
        return out;
    }

    /**
     * The families' requests of every tenant, read with one query per kind and parameters of request, handed back per
     * tenant and request.
     */
    private Map<String, Map<FeatureRequest<?>, Object>> read(Map<String, List<FeatureRequest<?>>> requests,
                                                             Map<String, TenantWindow> windows, Instant end) {
        Map<FeatureRequest.SourceHistory, Map<String, Set<String>>> histories = new LinkedHashMap<>();
        Map<FeatureRequest.SharedFailures, Set<String>> shared = new LinkedHashMap<>();
        Map<FeatureRequest.SessionHistory, Map<String, Set<String>>> sessions = new LinkedHashMap<>();
        Map<FeatureRequest.TransferHistory, Map<String, Set<String>>> transfers = new LinkedHashMap<>();
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        Map<FeatureRequest.DestinationPrevalence, Map<String, Set<String>>> prevalence = new LinkedHashMap<>();
        requests.forEach((tenant, asked) -> asked.forEach(r -> {
            if (r instanceof FeatureRequest.SourceHistory h) {
                histories.computeIfAbsent(h.shape(), k -> new LinkedHashMap<>()).computeIfAbsent(tenant, k -> new LinkedHashSet<>())
                        .addAll(h.sources());
            } else if (r instanceof FeatureRequest.SharedFailures s) {
                shared.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(tenant);
            } else if (r instanceof FeatureRequest.SessionHistory h) {
                sessions.computeIfAbsent(h.shape(), k -> new LinkedHashMap<>()).computeIfAbsent(tenant, k -> new LinkedHashSet<>())
                        .addAll(h.sources());
            } else if (r instanceof FeatureRequest.TransferHistory h) {
                transfers.computeIfAbsent(h.shape(), k -> new LinkedHashMap<>()).computeIfAbsent(tenant, k -> new LinkedHashSet<>())
                        .addAll(h.sources());
            } else if (r instanceof FeatureRequest.KnownEdges k) {
                edges.computeIfAbsent(tenant, x -> new LinkedHashSet<>()).addAll(k.sources());
            } else if (r instanceof FeatureRequest.DestinationPrevalence p) {
                prevalence.computeIfAbsent(p.shape(), k -> new LinkedHashMap<>()).computeIfAbsent(tenant, k -> new LinkedHashSet<>())
                        .addAll(p.destinations());
            }
        }));
        Map<FeatureRequest<?>, Map<String, ?>> results = new HashMap<>();
        histories.forEach((shape, byTenant) -> results.put(shape, timed("read.source-history",
                () -> features.sourceHistory(byTenant, shape.horizon(), shape.minFailedTargets(), end, MAX_CLOCK_SKEW))));
        shared.forEach((s, tenants) -> results.put(s, timed("read.shared-failures",
                () -> features.sharedFailures(tenants, s.window(), s.minSources(), s.minTargets(), end, MAX_CLOCK_SKEW))));
        sessions.forEach((shape, byTenant) -> results.put(shape, timed("read.session-history",
                () -> features.sessionHistory(byTenant, shape.ports(), shape.horizon(), end, MAX_CLOCK_SKEW))));
        transfers.forEach((shape, byTenant) -> results.put(shape, timed("read.transfer-history",
                () -> features.transferHistory(byTenant, shape.horizon(), shape.recent(), shape.minBytesOut(), end, MAX_CLOCK_SKEW))));
        Map<FeatureRequest.DestinationPrevalence, Map<String, FeatureRequest.DestinationPrevalence.Answer>> prevalent = new HashMap<>();
        prevalence.forEach((shape, byTenant) -> {
            Map<String, Networks> networks = new HashMap<>();
            byTenant.keySet().forEach(t -> networks.put(t, windows.get(t).networks()));
            prevalent.put(shape, timed("read.prevalence", () -> features.prevalence(byTenant, networks, shape.horizon(), end, MAX_CLOCK_SKEW)));
        });
        Map<String, FeatureRequest.KnownEdges.Answer> known = edges.isEmpty() ? Map.of()
                : timed("read.known-edges", () -> await(() -> edgeStore.known(edges)));
        Map<String, Map<FeatureRequest<?>, Object>> out = new HashMap<>();
        requests.forEach((tenant, asked) -> {
            Map<FeatureRequest<?>, Object> mine = new HashMap<>();
            for (FeatureRequest<?> r : asked) {
                Object rows;
                if (r instanceof FeatureRequest.SourceHistory h) {
                    rows = rows(results, h.shape(), tenant).stream().filter(a -> h.sources().contains(((Attempt) a).source())).toList();
                } else if (r instanceof FeatureRequest.SessionHistory h) {
                    rows = rows(results, h.shape(), tenant).stream().filter(a -> h.sources().contains(((Session) a).source())).toList();
                } else if (r instanceof FeatureRequest.TransferHistory h) {
                    rows = rows(results, h.shape(), tenant).stream().filter(a -> h.sources().contains(((Transfer) a).source())).toList();
                } else if (r instanceof FeatureRequest.KnownEdges k) {
                    rows = mineOf(known.getOrDefault(tenant, k.none()), k);
                } else if (r instanceof FeatureRequest.DestinationPrevalence p) {
                    FeatureRequest.DestinationPrevalence.Answer all = prevalent.getOrDefault(p.shape(), Map.of()).getOrDefault(tenant, p.none());
                    Map<String, FeatureRequest.DestinationPrevalence.Seen> seen = new HashMap<>(all.destinations());
                    seen.keySet().retainAll(p.destinations());
                    rows = new FeatureRequest.DestinationPrevalence.Answer(all.activeHosts(), seen);
                } else {
                    rows = rows(results, r, tenant);
                }
                mine.put(r, rows);
            }
            out.put(tenant, mine);
        });
        return out;
    }

    /** What a grouped read found for one tenant: its rows, or none. */
    private static List<?> rows(Map<FeatureRequest<?>, Map<String, ?>> results, FeatureRequest<?> read, String tenant) {
        Object rows = results.getOrDefault(read, Map.of()).get(tenant);
        return rows == null ? List.of() : (List<?>) rows;
    }

    /** The tenant's answer narrowed to the edges of the sources this request asked for. */
    private static FeatureRequest.KnownEdges.Answer mineOf(FeatureRequest.KnownEdges.Answer all, FeatureRequest.KnownEdges k) {
        return new FeatureRequest.KnownEdges.Answer(all.learningSince(),
                all.edges().stream().filter(e -> k.sources().contains(e.source())).toList());
    }

    /** What the gate compares the chunk's findings with, read in a few grouped queries. */
    private record GateReads(Map<String, Map<String, HourSample>> lastHour, Map<String, Map<String, HourSample>> span,
                             Map<String, Map<String, HostBaseline>> baselines, List<Rule> rules) {

        /** The customer's own rules and its MSP's MSP-wide ones. */
        List<Rule> rulesFor(String tenant, Customer customer) {
            String msp = customer == null ? null : customer.mspId();
            return rules.stream().filter(r -> tenant.equals(r.customerId) || r.customerId == null && msp != null && msp.equals(r.mspId))
                    .toList();
        }
    }

    private GateReads gateReads(List<TenantBatches> live, Map<String, List<Finding>> findings, Map<String, TenantWindow> windows,
                                CustomerDirectory.Lookup lookup, Instant end, Instant at) {
        Map<String, Map<String, Instant>> lastHour = new LinkedHashMap<>();
        Map<String, Map<String, Instant>> span = new LinkedHashMap<>();
        Map<String, Set<String>> internal = new LinkedHashMap<>();
        List<String> withFindings = new ArrayList<>();
        for (TenantBatches t : live) {
            List<Finding> mine = findings.getOrDefault(t.tenant(), List.of());
            if (!mine.isEmpty()) {
                withFindings.add(t.tenant());
            }
            for (Finding f : mine) {
                GatePolicy p = families.of(f.family()).gate(f);
                if (p.fixed() != null) {
                    continue;
                }
                if (p.since() == null) {
                    lastHour.computeIfAbsent(t.tenant(), k -> new LinkedHashMap<>()).put(f.source(), end.minus(Duration.ofHours(1)));
                } else {
                    span.computeIfAbsent(t.tenant(), k -> new LinkedHashMap<>()).merge(f.source(), p.since(),
                            (a, b) -> a.isBefore(b) ? a : b);
                }
                if (windows.get(t.tenant()).networks().contains(f.source())) {
                    internal.computeIfAbsent(t.tenant(), k -> new LinkedHashSet<>()).add(f.source());
                }
            }
        }
        if (withFindings.isEmpty()) {
            return new GateReads(Map.of(), Map.of(), Map.of(), List.of());
        }
        Instant until = end.plus(MAX_CLOCK_SKEW);
        Map<String, Map<String, HourSample>> hour = baselineReader.observed(lastHour, until);
        Map<String, Map<String, HourSample>> slow = baselineReader.observed(span, until);
        Map<String, Map<String, HostBaseline>> baselines = internal.isEmpty() ? Map.of() : await(() -> baselineStore.find(internal));
        Set<String> msps = new LinkedHashSet<>();
        withFindings.forEach(t -> {
            Customer c = lookup.found().get(t);
            if (c != null && c.mspId() != null) {
                msps.add(c.mspId());
            }
        });
        List<Rule> active = await(() -> Panache.withSession(() -> rules.activeFor(withFindings, msps, at)));
        return new GateReads(hour, slow, baselines, active);
    }

    /**
     * Commits the verdicts, retrying without the tenants whose marks another cycle moved meanwhile (it judged those
     * batches), and writing each tenant alone when the shared transaction fails otherwise, so only the tenant that
     * breaks it waits.
     */
    private List<TenantRun> write(Judged judged, Map<String, RuntimeException> failed) {
        List<TenantVerdicts> pending = new ArrayList<>(judged.verdicts());
        List<TenantRun> runs = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<TenantVerdicts> batch = List.copyOf(pending);
            try {
                AlertWriter.Written written = await(() -> writer.write(batch, Instant.now()));
                committed(batch, written, judged, runs);
                return runs;
            } catch (SensorMarks.Conflict c) {
                LOG.infof("%s; their findings of this cycle are dropped", c.getMessage());
                pending.removeIf(t -> {
                    boolean lost = c.tenants().contains(t.tenant());
                    if (lost) {
                        failed.put(t.tenant(), c);
                    }
                    return lost;
                });
            } catch (RuntimeException e) {
                if (batch.size() == 1) {
                    failed.put(batch.get(0).tenant(), e);
                    return runs;
                }
                LOG.warnf("writing %d tenants' verdicts failed (%s); writing each alone", batch.size(), e.getMessage());
                for (TenantVerdicts t : batch) {
                    runs.addAll(write(new Judged(List.of(t), judged.runs()), failed));
                }
                return runs;
            }
        }
        return runs;
    }

    private void committed(List<TenantVerdicts> batch, AlertWriter.Written written, Judged judged, List<TenantRun> runs) {
        if (engine.haltAfterCommit()) {
            System.err.println("vigil.detection.engine.fault.halt-after-commit: halting after the commit, before anything else");
            System.err.flush();
            Runtime.getRuntime().halt(86);
        }
        if (written.deliveries() > 0) {
            deliveries.kick();
        }
        for (TenantVerdicts t : batch) {
            selector.committed(t.batches());
            TenantRun judgedRun = judged.runs().get(t.tenant());
            TenantRun run = new TenantRun(judgedRun.tenant(), judgedRun.batches(), judgedRun.attempts(), judgedRun.sources(),
                    judgedRun.findings(), judgedRun.dropped(), written.changes().stream()
                    .filter(c -> c.alert().customerId().equals(t.tenant())).toList());
            runs.add(run);
            attemptsRead.increment(run.attempts());
            findingsCount.increment(run.findings().size());
            droppedCount.increment(run.dropped().size());
            if (!run.findings().isEmpty() || !run.dropped().isEmpty()) {
                LOG.infof("tenant %s %s: %d findings raised from %d sources, %d dropped (baseline or rules)", t.tenant(), run.batches(),
                        run.findings().size(), run.sources(), run.dropped().size());
            }
        }
    }

    private static List<TenantBatches> live(List<TenantBatches> chunk, Map<String, RuntimeException> failed) {
        return chunk.stream().filter(t -> !failed.containsKey(t.tenant())).toList();
    }

    /** Runs one tenant's pure step; its exception fails that tenant only. */
    private static void perTenant(String tenant, Map<String, RuntimeException> failed, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "tenant %s: a detector failed on its features", tenant);
            failed.put(tenant, e);
        }
    }

    private static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> work.get().ifNoItem().after(PG_TIMEOUT).fail());
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /**
     * A Distributed read met a replica that has not yet fetched all of a window's rows: the tenant's cycle fails and
     * its marks stay, so the same batches are judged whole by a later cycle.
     */
    public static final class ReplicaLagging extends RuntimeException {
        ReplicaLagging(String message) {
            super(message);
        }
    }
}
