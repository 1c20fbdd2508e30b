package io.vigil.detection.family.lateral;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Password guessing from flows: many short connections from one source to one admin service of one host within
 * minutes, each the same small exchange (DESIGN.md, "Lateral movement"). Pure.
 *
 * <p>The anchors are Zeek's SSH password guesser, which counts failed logins per source (30 in 30 minutes by default;
 * it sees the SSH handshake's outcome, which flows do not), and the flow-level "SMB brute force" of commercial NDRs.
 * Without the login's outcome, four properties stand in for it: the count (the service spoke each time, so these are
 * no probes), a burst within one minute (a check that logs in once a minute is no guessing), the size (a guess carries a
 * key exchange or an authentication message, a few kilobytes; a session that logged in and worked sends more) and the
 * sameness (the coefficient of variation of the per-minute mean bytes sent per connection: guesses repeat one
 * exchange, people do not). A source inside the customer's networks is AUTH_BRUTE_FORCE; one from outside against an
 * internal host is EXTERNAL_BRUTE_FORCE, which every exposed server sees, so it scores lower.
 *
 * <p>Spraying (a few guesses at each of many hosts, MITRE T1110.003) meets the same rules summed over the hosts of one
 * service, when {@code spray-min-hosts} hosts or more were tried. From inside, only hosts the source never reached
 * before count, once the customer has learned: a jump host's daily rounds are the same small, alike logins, to hosts it
 * knows.
 */
final class BruteForce {

    private final LateralMovementConfig.BruteForce config;

    BruteForce(LateralMovementConfig.BruteForce config) {
        this.config = config;
    }

    /** Sources that connected to an admin service in the new batches and could be guessing: their window is read. */
    static Set<String> candidates(List<Session> sessions, Set<Integer> adminPorts, Networks networks, int max) {
        Set<String> out = new TreeSet<>();
        for (Session s : sessions) {
            if (s.withData() > 0 && adminPorts.contains(s.port()) && (networks.contains(s.source()) || networks.contains(s.host()))) {
                out.add(s.source());
            }
        }
        return out.size() <= max ? out : new TreeSet<>(List.copyOf(out).subList(0, max));
    }

    /**
     * One finding per source and type over the window's roll-up rows that read as guessing: against one host, or
     * sprayed over many. {@code fresh} tells whether an internal source's session reached a host it never reached
     * before on that service, and is null until the customer has learned (then no spraying from inside is judged).
     */
    List<Finding> find(List<Session> history, Networks networks, Predicate<Session> fresh) {
        Map<List<Object>, List<Session>> byTarget = new LinkedHashMap<>();
        Map<List<Object>, List<Session>> byService = new LinkedHashMap<>();
        for (Session s : history) {
            if (s.withData() > 0 && (networks.contains(s.source()) || networks.contains(s.host()))) {
                byTarget.computeIfAbsent(List.of(s.source(), s.port(), s.host()), k -> new ArrayList<>()).add(s);
                if (!networks.contains(s.source()) || fresh != null && fresh.test(s)) {
                    byService.computeIfAbsent(List.of(s.source(), s.port()), k -> new ArrayList<>()).add(s);
                }
            }
        }
        Map<String, Finding> bySource = new LinkedHashMap<>();
        byTarget.values().forEach(rows -> guessing(rows, networks).ifPresent(f -> keep(bySource, f)));
        byService.values().stream().filter(rows -> rows.stream().map(Session::host).distinct().count() >= config.sprayMinHosts())
                .forEach(rows -> guessing(rows, networks).ifPresent(f -> keep(bySource, f)));
        return List.copyOf(bySource.values());
    }

    /** One finding per source and type: the run with the most connections (a spray includes its hosts' own runs). */
    private static void keep(Map<String, Finding> bySource, Finding f) {
        bySource.merge(f.source() + "/" + f.type(), f, (a, b) ->
                ((BruteForceEvidence) a.evidence()).connections() >= ((BruteForceEvidence) b.evidence()).connections() ? a : b);
    }

    /** The finding when one source's rows (one service, one host or many) read as guessing. */
    private Optional<Finding> guessing(List<Session> rows, Networks networks) {
        long connections = rows.stream().mapToLong(Session::withData).sum();
        long flows = rows.stream().mapToLong(Session::flows).sum();
        long bytes = rows.stream().mapToLong(Session::origBytes).sum();
        long packets = rows.stream().mapToLong(Session::packets).sum();
        long meanBytes = bytes / Math.max(1, flows);
        long meanPackets = packets / Math.max(1, flows);
        double spread = spread(rows);
        if (connections < config.minConnections() || burst(rows) < config.minPerMinute() || meanBytes < config.minBytesPerConnection()
                || meanBytes > config.maxBytesPerConnection()
                || meanPackets > config.maxPacketsPerConnection() || spread > config.maxSpread()) {
            return Optional.empty();
        }
        Session first = rows.get(0);
        Set<String> hosts = new TreeSet<>();
        rows.forEach(r -> hosts.add(r.host()));
        long firstMs = rows.stream().mapToLong(Session::firstMs).min().orElseThrow();
        long lastMs = rows.stream().mapToLong(Session::lastMs).max().orElseThrow();
        return Optional.of(new Finding(networks.contains(first.source()) ? AlertType.AUTH_BRUTE_FORCE : AlertType.EXTERNAL_BRUTE_FORCE,
                first.source(), List.of(first.source()), List.copyOf(hosts), List.of(first.service()), firstMs, lastMs,
                new BruteForceEvidence(connections, meanBytes, meanPackets, spread, config.window())));
    }

    /** The most connections in which the service spoke within one minute of the roll-up. */
    static long burst(List<Session> rows) {
        Map<Long, Long> byMinute = new HashMap<>();
        rows.forEach(r -> byMinute.merge(r.firstMs() / 60_000, r.withData(), Long::sum));
        return byMinute.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * The coefficient of variation of the per-minute mean bytes sent per connection, each minute weighted by its
     * flows: 0 when every minute's connections are alike on average (or there is one minute only).
     */
    static double spread(List<Session> rows) {
        double n = 0;
        double sum = 0;
        for (Session r : rows) {
            n += r.flows();
            sum += r.origBytes();
        }
        if (n == 0 || sum == 0) {
            return 0;
        }
        double mean = sum / n;
        double var = 0;
        for (Session r : rows) {
            double m = (double) r.origBytes() / Math.max(1, r.flows());
            var += r.flows() * (m - mean) * (m - mean);
        }
        return Math.sqrt(var / n) / mean;
    }
}
