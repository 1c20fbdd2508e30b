package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.ProbeKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Finds distributed scans: many sources, each too quiet to be a scanner on its own, probing one service across one
 * target prefix (IPv4 /24, IPv6 /64) in a window, mostly failing. The single-source rules cannot see them, because
 * every member stays below the sequential test's 4 failures. Pure, like {@link ScanAnalyzer}.
 */
public final class DistributedScans {

    private final ScanAnalyzer single;
    private final ReconnaissanceConfig.Distributed config;

    /**
     * @param single the single-source rules: a source they flag on its own is left out (it has its own alert)
     */
    public DistributedScans(ScanAnalyzer single, ReconnaissanceConfig.Distributed config) {
        this.single = single;
        this.config = config;
    }

    /** The alert key of a service across a prefix: "23/tcp 10.78.0.0/24". */
    public static String key(String service, String prefix) {
        return service + " " + prefix;
    }

    /**
     * At most one finding per (service, target prefix), over every attempt of the sources in the window.
     *
     * @param window  all the attempts of each source in the window (a source's other services tell a scanner apart)
     * @param flagged sources with a single-source finding already (they have their own alerts)
     */
    public List<Finding> find(List<Attempt> window, Set<String> flagged) {
        Map<String, List<Attempt>> bySource = window.stream().collect(Collectors.groupingBy(Attempt::source));
        Map<String, List<Attempt>> byKey = new LinkedHashMap<>();
        for (Map.Entry<String, List<Attempt>> e : bySource.entrySet()) {
            if (flagged.contains(e.getKey()) || !single.analyze(e.getKey(), e.getValue(), false).isEmpty()) {
                continue;
            }
            for (Attempt a : e.getValue()) {
                String prefix = prefix(a.host());
                if (prefix != null && ScanAnalyzer.scanKind(a)) {
                    byKey.computeIfAbsent(key(a.service(), prefix), k -> new ArrayList<>()).add(a);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        byKey.forEach((key, attempts) -> judge(key, attempts, out));
        return out;
    }

    private void judge(String key, List<Attempt> attempts, List<Finding> out) {
        Set<String> failing = attempts.stream().filter(a -> a.outcome() == Attempt.Outcome.FAILED).map(Attempt::source)
                .collect(Collectors.toSet());
        if (failing.size() < config.minSources()) {
            return;
        }
        List<Attempt> members = attempts.stream().filter(a -> failing.contains(a.source())).toList();
        long failedHosts = members.stream().filter(a -> a.outcome() == Attempt.Outcome.FAILED).map(Attempt::host).distinct().count();
        long flows = members.stream().mapToLong(Attempt::flows).sum();
        long failed = members.stream().mapToLong(Attempt::failed).sum();
        if (failedHosts < config.minTargets() || failed * 2 < flows) {
            return;
        }
        List<Attempt> probes = members.stream().filter(Attempt::probe)
                .sorted(Comparator.comparingLong(Attempt::firstMs)).toList();
        TreeSet<String> hosts = new TreeSet<>(Comparator.comparing(ScanAnalyzer::sortKey));
        TreeSet<String> sources = new TreeSet<>(Comparator.comparing(ScanAnalyzer::sortKey));
        EnumSet<ProbeKind> kinds = EnumSet.noneOf(ProbeKind.class);
        probes.forEach(a -> {
            hosts.add(a.host());
            kinds.add(a.kind());
        });
        sources.addAll(failing);
        ScanEvidence evidence = new ScanEvidence(probes.stream().mapToLong(Attempt::flows).sum(),
                probes.stream().mapToLong(Attempt::failed).sum(), probes.stream().mapToLong(Attempt::answered).sum(),
                DecidedBy.DISTRIBUTED, 0, false, probes.stream().limit(ScanAnalyzer.SAMPLES).toList(), List.copyOf(kinds));
        out.add(new Finding(AlertType.DISTRIBUTED, key, List.copyOf(sources), List.copyOf(hosts), List.of(probes.get(0).service()),
                probes.stream().mapToLong(Attempt::firstMs).min().orElseThrow(),
                probes.stream().mapToLong(Attempt::lastMs).max().orElseThrow(), evidence));
    }

    /** "10.78.0.0/24" for an IPv4 host, "2001:db8:0:1::/64" for an IPv6 one; null for anything else. */
    static String prefix(String host) {
        byte[] b = Networks.literal(host);
        if (b == null) {
            return null;
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return sb.append(":/64").toString();
    }
}
