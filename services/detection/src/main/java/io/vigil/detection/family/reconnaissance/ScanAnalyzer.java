package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.ProbeKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides, for one source's attempts in a period, whether it scanned and what kind of scan it was. Pure: it sees
 * only the attempts it is given, so the same code judges the new batches (raw flows) and the slow horizon (the
 * per-minute roll-up).
 *
 * <p>Deciding and naming are separate steps. Attempts are judged per probe group (TCP SYN; sweep = echo and ACK
 * pings; UDP; stealth), because each group has its own notion of success. A decided group is then classed by its
 * shape first (one host and many ports is vertical, whatever the probe), and the finding names the probe kinds.
 */
public final class ScanAnalyzer {

    /** Sample probes kept per finding. */
    static final int SAMPLES = 5;

    private final ReconnaissanceConfig config;

    public ScanAnalyzer(ReconnaissanceConfig config) {
        this.config = config;
    }

    /** The kind groups judged separately: each becomes at most one finding (two when split by shape). */
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

    /** Whether an attempt can be scan evidence at all: a probe kind to a unicast host. */
    static boolean scanKind(Attempt a) {
        return group(a.kind()) != null && !Networks.groupAddress(a.host());
    }

    /**
     * Findings for one source: at most one per group, two when a group splits into a vertical and a horizontal (or
     * sweep) part.
     *
     * @param slow true for the slow horizon: the walk must decide and the failed targets must reach the slow floor
     */
    public List<Finding> analyze(String source, List<Attempt> attempts, boolean slow) {
        Map<Group, List<Attempt>> byGroup = new EnumMap<>(Group.class);
        for (Attempt a : attempts) {
            if (a.source().equals(source) && scanKind(a)) {
                byGroup.computeIfAbsent(group(a.kind()), k -> new ArrayList<>()).add(a);
            }
        }
        List<Finding> findings = new ArrayList<>();
        byGroup.forEach((g, list) -> findings.addAll(judge(g, source, list, slow)));
        return findings;
    }

    private List<Finding> judge(Group group, String source, List<Attempt> attempts, boolean slow) {
        List<Attempt> ordered = new ArrayList<>(attempts);
        ordered.sort(Comparator.comparingLong(Attempt::firstMs).thenComparing(Attempt::host).thenComparingInt(Attempt::port));
        // A target is contacted once per period in this aggregation, so each attempt is one first contact.
        Trw trw = new Trw();
        for (Attempt a : ordered) {
            trw.observe(a.outcome() != Attempt.Outcome.FAILED);
        }
        List<Attempt> probes = ordered.stream().filter(Attempt::probe).toList();
        if (probes.isEmpty()) {
            return List.of();
        }
        List<Attempt> failures = probes.stream().filter(a -> a.outcome() == Attempt.Outcome.FAILED).toList();
        DecidedBy decidedBy;
        if (slow) {
            if (!trw.scanner() || failures.size() < config.slowMinTargets() && shaped(failures) < config.slowMinShapedTargets()) {
                return List.of();
            }
            decidedBy = DecidedBy.SLOW;
        } else if (trw.scanner()) {
            decidedBy = DecidedBy.TRW;
        } else if (failures.size() >= config.windowMinTargets() && failures.size() * 2 >= ordered.size()) {
            decidedBy = DecidedBy.WINDOW_COUNT;
        } else if (group == Group.SWEEP && distinct(probes, Attempt::host) >= config.sweepMinHosts()) {
            decidedBy = DecidedBy.SWEEP_COUNT;
        } else {
            return List.of();
        }
        Decision d = new Decision(source, decidedBy, trw.failuresAtDecision(), slow);
        return switch (group) {
            case UDP -> List.of(d.finding(AlertType.UDP, probes));
            case STEALTH -> List.of(d.finding(AlertType.STEALTH, probes));
            case TCP -> byShape(d, probes, AlertType.HORIZONTAL);
            case SWEEP -> sweep(d, probes);
        };
    }

    /**
     * TCP by shape: one host with more probed ports than there are probed hosts is vertical, many hosts on few ports is
     * {@code wide}; a source that did both, each part reaching {@code split-min-targets}, gets both findings so that
     * neither hides the other.
     */
    private List<Finding> byShape(Decision d, List<Attempt> probes, AlertType wide) {
        String host = topHostByPorts(probes);
        List<Attempt> vertical = probes.stream().filter(a -> a.host().equals(host)).toList();
        List<Attempt> rest = probes.stream().filter(a -> !a.host().equals(host)).toList();
        int split = config.splitMinTargets();
        if (distinct(vertical, Attempt::port) >= split && maxHostsOnOnePort(rest) >= split) {
            return List.of(d.finding(AlertType.VERTICAL, vertical), d.finding(wide, rest));
        }
        if (tcpShape(probes) == AlertType.VERTICAL) {
            return List.of(d.finding(AlertType.VERTICAL, vertical));
        }
        return List.of(d.finding(wide, probes));
    }

    /**
     * Echo requests and ACK pings. ACK probes to many ports of one host are no sweep but a vertical (firewall-mapping)
     * scan, {@code nmap -sA}; the rest is a host sweep when there is a sweep's worth of it left.
     */
    private List<Finding> sweep(Decision d, List<Attempt> probes) {
        List<Attempt> acks = probes.stream().filter(a -> a.kind() == ProbeKind.ACK_PING).toList();
        if (acks.isEmpty()) {
            return List.of(d.finding(AlertType.HOST_SWEEP, probes));
        }
        String host = topHostByPorts(acks);
        List<Attempt> vertical = acks.stream().filter(a -> a.host().equals(host)).toList();
        long ports = distinct(vertical, Attempt::port);
        if (ports < config.splitMinTargets() || ports <= distinct(probes, Attempt::host)) {
            return List.of(d.finding(AlertType.HOST_SWEEP, probes));
        }
        Set<Attempt> taken = new HashSet<>(vertical);
        List<Attempt> rest = probes.stream().filter(a -> !taken.contains(a)).toList();
        return distinct(rest, Attempt::host) >= config.splitMinTargets()
                ? List.of(d.finding(AlertType.VERTICAL, vertical), d.finding(AlertType.HOST_SWEEP, rest))
                : List.of(d.finding(AlertType.VERTICAL, vertical));
    }

    /** The most failed targets in one scan shape: ports of one host, or hosts on one port. */
    static long shaped(List<Attempt> failures) {
        long ports = failures.stream().collect(Collectors.groupingBy(Attempt::host, Collectors.mapping(Attempt::service, Collectors.toSet())))
                .values().stream().mapToLong(Set::size).max().orElse(0);
        long hosts = failures.stream().collect(Collectors.groupingBy(Attempt::service, Collectors.mapping(Attempt::host, Collectors.toSet())))
                .values().stream().mapToLong(Set::size).max().orElse(0);
        return Math.max(ports, hosts);
    }

    /** What decided a group, shared by the findings it splits into. */
    private final class Decision {
        private final String source;
        private final DecidedBy decidedBy;
        private final int trwFailures;
        private final boolean slowPath;

        Decision(String source, DecidedBy decidedBy, int trwFailures, boolean slowPath) {
            this.source = source;
            this.decidedBy = decidedBy;
            this.trwFailures = trwFailures;
            this.slowPath = slowPath;
        }

        Finding finding(AlertType type, List<Attempt> evidence) {
            return ScanAnalyzer.this.finding(this, type, evidence);
        }
    }

    private Finding finding(Decision d, AlertType type, List<Attempt> evidence) {
        long flows = 0;
        long failed = 0;
        long answered = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        TreeSet<String> hosts = new TreeSet<>(Comparator.comparing(ScanAnalyzer::sortKey));
        TreeSet<String> services = new TreeSet<>(Comparator.comparing(ScanAnalyzer::serviceKey));
        EnumSet<ProbeKind> kinds = EnumSet.noneOf(ProbeKind.class);
        for (Attempt a : evidence) {
            flows += a.flows();
            failed += a.failed();
            answered += a.answered();
            first = Math.min(first, a.firstMs());
            last = Math.max(last, a.lastMs());
            hosts.add(a.host());
            services.add(a.service());
            kinds.add(a.kind());
        }
        // Slow: spread over more than the fast window, or (judged over the slow horizon) failures at least 15 s apart on
        // average, a minute over the 4 failures the walk needs, so no window of a minute or less held enough to decide.
        boolean slow = last - first > config.slowSpan().toMillis()
                || d.slowPath && (failed - 1) * 60_000L <= (long) Trw.FAILURES_TO_DECIDE * (last - first);
        ScanEvidence scan = new ScanEvidence(flows, failed, answered, d.decidedBy, d.trwFailures, slow,
                evidence.stream().limit(SAMPLES).toList(), List.copyOf(kinds));
        return new Finding(type, d.source, List.of(d.source), List.copyOf(hosts), List.copyOf(services), first, last, scan);
    }

    private static long distinct(List<Attempt> attempts, Function<Attempt, ?> key) {
        return attempts.stream().map(key).distinct().count();
    }

    private static long maxHostsOnOnePort(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(Attempt::port, Collectors.mapping(Attempt::host, Collectors.toSet())))
                .values().stream().mapToLong(Set::size).max().orElse(0);
    }

    /** Many hosts on few ports is horizontal; many ports of one host is vertical. */
    static AlertType tcpShape(List<Attempt> probes) {
        long hosts = distinct(probes, Attempt::host);
        long topPorts = probes.stream().collect(Collectors.groupingBy(Attempt::host, Collectors.mapping(Attempt::port, Collectors.toSet())))
                .values().stream().mapToLong(Set::size).max().orElse(0);
        return hosts >= topPorts ? AlertType.HORIZONTAL : AlertType.VERTICAL;
    }

    private static String topHostByPorts(List<Attempt> probes) {
        return probes.stream().collect(Collectors.groupingBy(Attempt::host, Collectors.mapping(Attempt::port, Collectors.toSet())))
                .entrySet().stream().max(Comparator.<Map.Entry<String, Set<Integer>>>comparingInt(e -> e.getValue().size())
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

    static String serviceKey(String service) {
        int slash = service.indexOf('/');
        return service.substring(slash + 1) + String.format("%05d", Integer.parseInt(service.substring(0, slash)));
    }
}
