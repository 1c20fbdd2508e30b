package io.vigil.detection.family.reconnaissance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.ProbeKind;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * "Probing and Reconnaissance": horizontal, vertical, sweep, UDP, stealth and distributed scans (DESIGN.md, "Five
 * ways to decide"). From a tenant's new batches it judges each probing source (the sequential test, the distinct-target
 * and sweep counts), then asks for those sources' slow horizon and, when some source failed without being a scanner
 * alone, for the tenant's shared failures.
 */
@ApplicationScoped
public class ReconnaissanceFamily implements Family {

    /** The figures a scan changes, in the order the evidence lists them. */
    static final List<Metric> COMPARED = List.of(Metric.FAILED_TARGETS, Metric.PEERS, Metric.PORTS);
    /** Sample probes an alert keeps. */
    static final int ALERT_SAMPLES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReconnaissanceConfig config;
    private final ScanAnalyzer analyzer;
    private final DistributedScans distributed;

    public ReconnaissanceFamily(ReconnaissanceConfig config) {
        this.config = config;
        this.analyzer = new ScanAnalyzer(config);
        this.distributed = new DistributedScans(analyzer, config.distributed());
    }

    @Override
    public AlertFamily family() {
        return AlertFamily.RECONNAISSANCE;
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public List<FeatureRequest<?>> requests(TenantWindow window) {
        Map<String, List<Attempt>> bySource = bySource(window.attempts());
        List<String> probing = probing(bySource);
        if (probing.isEmpty()) {
            return List.of();
        }
        List<FeatureRequest<?>> out = new ArrayList<>();
        out.add(history(probing));
        if (failingQuietly(bySource, fast(bySource, probing))) {
            out.add(shared());
        }
        return out;
    }

    @Override
    public List<Finding> detect(TenantFeatures features) {
        Map<String, List<Attempt>> bySource = bySource(features.window().attempts());
        List<String> probing = probing(bySource);
        if (probing.isEmpty()) {
            return List.of();
        }
        List<Finding> findings = fast(bySource, probing);
        List<Finding> fast = List.copyOf(findings);
        Map<String, List<Attempt>> history = bySource(features.get(history(probing)));
        for (String source : probing) {
            for (Finding slow : analyzer.analyze(source, history.getOrDefault(source, List.of()), true)) {
                if (fast.stream().noneMatch(f -> f.type() == slow.type() && f.source().equals(slow.source()))) {
                    findings.add(slow);
                }
            }
        }
        if (failingQuietly(bySource, fast)) {
            Set<String> flagged = findings.stream().map(Finding::source).collect(Collectors.toSet());
            findings.addAll(distributed.find(features.get(shared()), flagged));
        }
        return findings;
    }

    /** The new batches' findings of each probing source. */
    private List<Finding> fast(Map<String, List<Attempt>> bySource, List<String> probing) {
        List<Finding> out = new ArrayList<>();
        for (String source : probing) {
            out.addAll(analyzer.analyze(source, bySource.get(source), false));
        }
        return out;
    }

    private static Map<String, List<Attempt>> bySource(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(Attempt::source, LinkedHashMap::new, Collectors.toList()));
    }

    /** Sources with a probe in the new batches, the most failed flows first, bounded so one noisy tenant cannot stall the cycle. */
    private List<String> probing(Map<String, List<Attempt>> bySource) {
        return bySource.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(Attempt::probe))
                .sorted(Comparator.comparingLong((Map.Entry<String, List<Attempt>> e) ->
                        -e.getValue().stream().mapToLong(Attempt::failed).sum()).thenComparing(Map.Entry::getKey))
                .limit(config.maxSources()).map(Map.Entry::getKey).toList();
    }

    /**
     * The slow horizon of the probing sources. A source with fewer distinct failed targets than either slow floor can
     * never be a slow scan, so the database leaves it out.
     */
    private FeatureRequest.SourceHistory history(List<String> probing) {
        return new FeatureRequest.SourceHistory(new LinkedHashSet<>(probing), config.slowHorizon(),
                Math.min(config.slowMinTargets(), config.slowMinShapedTargets()));
    }

    private FeatureRequest.SharedFailures shared() {
        return new FeatureRequest.SharedFailures(config.distributed().window(), config.distributed().minSources(),
                config.distributed().minTargets());
    }

    /**
     * Whether some source failed in the new batches without a finding of its own: only then can a distributed scan have
     * grown, so only then is the tenant's shared-failure window read.
     */
    private static boolean failingQuietly(Map<String, List<Attempt>> bySource, List<Finding> findings) {
        Set<String> found = findings.stream().map(Finding::source).collect(Collectors.toSet());
        return bySource.entrySet().stream().anyMatch(e -> !found.contains(e.getKey())
                && e.getValue().stream().anyMatch(a -> a.probe() && a.outcome() == Attempt.Outcome.FAILED));
    }

    /**
     * A fast finding against the source's last hour; a slow one over its evidence's span; a distributed scan has no
     * single host whose baseline could speak for its members, so it goes on.
     */
    @Override
    public GatePolicy gate(Finding f) {
        ScanEvidence scan = (ScanEvidence) f.evidence();
        if (f.type() == AlertType.DISTRIBUTED) {
            return GatePolicy.fixed(Gate.acrossSources(f.sources().size(), config.distributed().window()));
        }
        if (scan.decidedBy() == DecidedBy.SLOW) {
            return GatePolicy.since(COMPARED, Instant.ofEpochMilli(f.firstMs()).truncatedTo(ChronoUnit.MINUTES));
        }
        return GatePolicy.lastHour(COMPARED);
    }

    /**
     * New-batch counts add up; the slow horizon and a distributed scan's window overlap earlier cycles, so their counts
     * only raise the alert's to what they saw.
     */
    @Override
    public void merge(Alert a, Finding f) {
        ScanEvidence scan = (ScanEvidence) f.evidence();
        if (scan.decidedBy().overlapsEarlierCycles()) {
            a.attempts = Math.max(a.attempts, scan.attempts());
            a.failed = Math.max(a.failed, scan.failed());
            a.answered = Math.max(a.answered, scan.answered());
        } else {
            a.attempts += scan.attempts();
            a.failed += scan.failed();
            a.answered += scan.answered();
        }
        a.slow = a.slow || scan.slow();
        if (a.trwFailures == 0) {
            a.trwFailures = scan.trwFailures();
        }
        a.mitre = mitre(a.direction).toArray(String[]::new);
        a.score = Math.max(a.score, Scoring.score(a.direction, a.targetCount, a.portCount, a.answered));
        List<ProbeKind> probes = probes(a.evidence, scan.probes());
        a.evidence = evidence(probes);
        a.summary = a.type == AlertType.DISTRIBUTED
                ? Scoring.distributedSummary(a.source, a.sourceCount, a.targetCount, a.answered, a.firstSeen.toEpochMilli(),
                        a.lastSeen.toEpochMilli())
                : Scoring.summary(a.type, a.source, List.of(a.targets), a.targetCount, List.of(a.ports), a.portCount,
                        a.answered, a.firstSeen.toEpochMilli(), a.lastSeen.toEpochMilli(), probes);
        a.samples = samples(a.samples, scan.samples());
    }

    /** T1046 (Network Service Discovery) from inside, T1595 (Active Scanning) from outside. */
    static List<String> mitre(Direction direction) {
        return Scoring.mitre(direction);
    }

    /** The probe kinds the alert has seen, in enum order. */
    static List<ProbeKind> probes(String evidence, List<ProbeKind> add) {
        EnumSet<ProbeKind> all = EnumSet.noneOf(ProbeKind.class);
        all.addAll(add);
        try {
            JSON.readTree(evidence == null ? "{}" : evidence).path("probes").forEach(p -> {
                try {
                    all.add(ProbeKind.valueOf(p.asText()));
                } catch (IllegalArgumentException e) {
                    // a kind this version does not know: dropped from the union
                }
            });
        } catch (JsonProcessingException e) {
            // unreadable evidence is replaced
        }
        return List.copyOf(all);
    }

    private static String evidence(List<ProbeKind> probes) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode arr = node.putArray("probes");
        probes.forEach(p -> arr.add(p.name()));
        return node.toString();
    }

    private static String samples(String existing, List<Attempt> add) {
        try {
            ArrayNode arr = (ArrayNode) JSON.readTree(existing == null ? "[]" : existing);
            for (Attempt s : add) {
                if (arr.size() >= ALERT_SAMPLES) {
                    break;
                }
                arr.add(JSON.valueToTree(s));
            }
            return JSON.writeValueAsString(arr);
        } catch (JsonProcessingException | ClassCastException e) {
            return existing;
        }
    }
}
