package io.vigil.detection.scan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides, for one source's attempts in a period, whether it scanned and what kind of scan it was. Pure: it sees
 * only the attempts it is given, so the same code judges the fast window (raw flows) and the slow horizon (the
 * per-minute roll-up).
 */
public final class ScanAnalyzer {

    /** Sample probes kept per finding. */
    static final int SAMPLES = 5;
    /**
     * A TCP scanner that both swept one host's ports and one port across hosts gets both findings when each part
     * reaches this many distinct targets (ports of the host; hosts on the port), so neither hides the other.
     */
    static final int MIN_SPLIT_TARGETS = 5;
    /**
     * Evidence counts as a slow scan when it spans more than this, on either path (a replay or a spool after an outage
     * delivers hours of probes in one batch); judged over the slow horizon, also when its failures came on average at
     * least 15 s apart (a minute / the 4 failures the sequential test needs; the "one probe
     * per ≥ 15 s"), so that no window of a minute or less held enough of them to decide.
     */
    static final long SLOW_SPAN_MS = 10 * 60_000L;

    private final int windowMinTargets;
    private final int sweepMinHosts;

    /**
     * @param windowMinTargets distinct failed targets that decide on their own, for a source whose successes kept the
     *                         sequential test from deciding (a scan of a network where many services answer)
     * @param sweepMinHosts    distinct hosts sent echo requests or ACK pings in one window, answered or not, that make
     *                         a host sweep whatever the order of the answers (the sequential test decides a sweep of
     *                         live hosts only when failures come first)
     */
    public ScanAnalyzer(int windowMinTargets, int sweepMinHosts) {
        this.windowMinTargets = windowMinTargets;
        this.sweepMinHosts = sweepMinHosts;
    }

    /** The kind groups judged separately: each becomes at most one finding. */
    enum Group { TCP, SWEEP, UDP, STEALTH }

    static Group group(ProbeKind kind) {
        return switch (kind) {
            case SYN -> Group.TCP;
            case ACK_PING, ICMP_ECHO -> Group.SWEEP;
            case UDP -> Group.UDP;
            case STEALTH -> Group.STEALTH;
            case OTHER -> null;
        };
    }

    /**
     * Findings for one source, at most one per group (two for TCP: a vertical and a horizontal part);
     * {@code minTargets} applies to the slow path (else 0).
     */
    public List<Finding> analyze(String source, List<Attempt> attempts, boolean slow, int minTargets) {
        Map<Group, List<Attempt>> byGroup = new EnumMap<>(Group.class);
        for (Attempt a : attempts) {
            Group g = group(a.kind());
            if (g != null && a.source().equals(source) && !Networks.groupAddress(a.host())) {
                byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(a);
            }
        }
        List<Finding> findings = new ArrayList<>();
        byGroup.forEach((g, list) -> findings.addAll(judge(g, source, list, slow, minTargets)));
        return findings;
    }

    private List<Finding> judge(Group group, String source, List<Attempt> attempts, boolean slow, int minTargets) {
        List<Attempt> ordered = new ArrayList<>(attempts);
        ordered.sort(Comparator.comparingLong(Attempt::firstMs).thenComparing(Attempt::host).thenComparingInt(Attempt::port));
        // A target is contacted once per period in this aggregation, so each attempt is one first contact.
        Trw trw = new Trw();
        for (Attempt a : ordered) {
            trw.observe(a.outcome() != Attempt.Outcome.FAILED);
        }
        List<Attempt> probes = ordered.stream().filter(Attempt::probe).toList();
        long failedTargets = probes.stream().filter(a -> a.outcome() == Attempt.Outcome.FAILED).count();
        String decidedBy;
        if (slow) {
            if (!trw.scanner() || failedTargets < minTargets) {
                return List.of();
            }
            decidedBy = "slow";
        } else if (trw.scanner()) {
            decidedBy = "trw";
        } else if (failedTargets >= windowMinTargets && failedTargets * 2 >= ordered.size()) {
            decidedBy = "window-count";
        } else if (group == Group.SWEEP && distinct(probes, Attempt::host) >= sweepMinHosts) {
            decidedBy = "sweep-count";
        } else {
            return List.of();
        }
        if (probes.isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        switch (group) {
            case SWEEP -> out.add(finding(ScanType.HOST_SWEEP, source, probes, decidedBy, trw, slow));
            case UDP -> out.add(finding(ScanType.UDP, source, probes, decidedBy, trw, slow));
            case STEALTH -> out.add(finding(ScanType.STEALTH, source, probes, decidedBy, trw, slow));
            case TCP -> {
                String host = topHostByPorts(probes);
                List<Attempt> vertical = probes.stream().filter(a -> a.host().equals(host)).toList();
                List<Attempt> horizontal = probes.stream().filter(a -> !a.host().equals(host)).toList();
                if (distinct(vertical, Attempt::port) >= MIN_SPLIT_TARGETS && maxHostsOnOnePort(horizontal) >= MIN_SPLIT_TARGETS) {
                    out.add(finding(ScanType.VERTICAL, source, vertical, decidedBy, trw, slow));
                    out.add(finding(ScanType.HORIZONTAL, source, horizontal, decidedBy, trw, slow));
                } else if (tcpShape(probes) == ScanType.VERTICAL) {
                    out.add(finding(ScanType.VERTICAL, source, vertical, decidedBy, trw, slow));
                } else {
                    out.add(finding(ScanType.HORIZONTAL, source, probes, decidedBy, trw, slow));
                }
            }
        }
        return out;
    }

    private static Finding finding(ScanType type, String source, List<Attempt> evidence, String decidedBy, Trw trw, boolean slow) {
        long flows = 0;
        long failed = 0;
        long answered = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        TreeSet<String> hosts = new TreeSet<>(Comparator.comparing(ScanAnalyzer::sortKey));
        TreeSet<String> services = new TreeSet<>(Comparator.comparing(ScanAnalyzer::serviceKey));
        for (Attempt a : evidence) {
            flows += a.flows();
            failed += a.failed();
            answered += a.answered();
            first = Math.min(first, a.firstMs());
            last = Math.max(last, a.lastMs());
            hosts.add(a.host());
            services.add(a.service());
        }
        return new Finding(type, source, List.copyOf(hosts), List.copyOf(services), flows, failed, answered, first, last,
                decidedBy, trw.failuresAtDecision(), last - first > SLOW_SPAN_MS || slow && (failed - 1) * 60_000L <= (long) Trw.FAILURES_TO_DECIDE * (last - first),
                evidence.stream().limit(SAMPLES).toList());
    }

    private static long distinct(List<Attempt> attempts, java.util.function.Function<Attempt, ?> key) {
        return attempts.stream().map(key).distinct().count();
    }

    private static long maxHostsOnOnePort(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(Attempt::port, Collectors.mapping(Attempt::host, Collectors.toSet())))
                .values().stream().mapToLong(java.util.Set::size).max().orElse(0);
    }

    /** Many hosts on few ports is horizontal; many ports of one host is vertical. */
    static ScanType tcpShape(List<Attempt> probes) {
        long hosts = probes.stream().map(Attempt::host).distinct().count();
        Map<String, Long> portsPerHost = probes.stream()
                .collect(Collectors.groupingBy(Attempt::host, LinkedHashMap::new, Collectors.mapping(Attempt::port,
                        Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
        long topPorts = portsPerHost.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return hosts >= topPorts ? ScanType.HORIZONTAL : ScanType.VERTICAL;
    }

    private static String topHostByPorts(List<Attempt> probes) {
        return probes.stream().collect(Collectors.groupingBy(Attempt::host, Collectors.mapping(Attempt::port, Collectors.toSet())))
                .entrySet().stream().max(Comparator.<Map.Entry<String, java.util.Set<Integer>>>comparingInt(e -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey).orElseThrow();
    }

    /** Numeric order for addresses: IPv4 dotted quads zero-padded, IPv6 after them. */
    static String sortKey(String ip) {
        if (ip.indexOf(':') < 0) {
            StringBuilder sb = new StringBuilder("4");
            for (String part : ip.split("\\.")) {
                sb.append(String.format("%03d", Integer.parseInt(part)));
            }
            return sb.toString();
        }
        return "6" + ip;
    }

    private static String serviceKey(String service) {
        int slash = service.indexOf('/');
        return service.substring(slash + 1) + String.format("%05d", Integer.parseInt(service.substring(0, slash)));
    }
}
