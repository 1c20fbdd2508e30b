package io.vigil.detection.family.lateral;

import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * New admin edges: an internal source that logs in to an internal host on an admin service it never reached before
 * (DESIGN.md, "Lateral movement"). Pure.
 *
 * <p>A login is a session in which the service spoke ({@link Session#withData()}): a handshake answered and reset is a
 * probe, which reconnaissance judges. The customer must have learned for a whole learning period, counted from the
 * later of its first remembered edge and its first profiled host, so neither a new customer nor a new store alerts on
 * everything. A source that reached {@code admin-host-min-targets} hosts, the first at least {@code admin-host-min-age}
 * ago, administers routinely (a jump host, a backup server, a management agent): its new edges are its job.
 */
final class NewAdminEdges {

    private final LateralMovementConfig config;
    private final Duration learningPeriod;

    NewAdminEdges(LateralMovementConfig config, Duration learningPeriod) {
        this.config = config;
        this.learningPeriod = learningPeriod;
    }

    /** The internal-to-internal admin logins of the new batches, as edges to remember. */
    List<AdminEdge> logins(List<Session> sessions, Networks networks) {
        Map<List<String>, AdminEdge> out = new LinkedHashMap<>();
        for (Session s : sessions) {
            if (s.withData() == 0 || !config.adminPorts().contains(s.port()) || s.source().equals(s.host())
                    || !networks.contains(s.source()) || !networks.contains(s.host())) {
                continue;
            }
            AdminEdge e = new AdminEdge(s.source(), s.host(), s.service(), Instant.ofEpochMilli(s.firstMs()), Instant.ofEpochMilli(s.lastMs()));
            out.merge(List.of(e.source(), e.target(), e.service()), e, (a, b) -> new AdminEdge(a.source(), a.target(), a.service(),
                    a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                    a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
        }
        return List.copyOf(out.values());
    }

    /** The sources of {@code logins}, the most targets first, bounded. */
    Set<String> sources(List<AdminEdge> logins) {
        Map<String, Set<String>> targets = new HashMap<>();
        logins.forEach(e -> targets.computeIfAbsent(e.source(), s -> new HashSet<>()).add(e.target()));
        Set<String> out = new LinkedHashSet<>();
        targets.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, Set<String>> e) -> -e.getValue().size()).thenComparing(Map.Entry::getKey))
                .limit(config.maxSources()).forEach(e -> out.add(e.getKey()));
        return out;
    }

    /** Whether the customer has learned for a whole learning period by {@code end}. */
    private boolean learned(FeatureRequest.KnownEdges.Answer known, Instant end) {
        return known.learningSince() != null && !known.learningSince().plus(learningPeriod).isAfter(end);
    }

    /**
     * Whether a session reached a host its source had not reached on that service before it, by what the store knew;
     * null while the customer learns.
     */
    Predicate<Session> fresh(FeatureRequest.KnownEdges.Answer known, Instant end) {
        if (!learned(known, end)) {
            return null;
        }
        Map<List<String>, Long> first = new HashMap<>();
        known.edges().forEach(e -> first.merge(List.of(e.source(), e.target(), e.service()), e.firstSeen().toEpochMilli(), Math::min));
        return s -> first.getOrDefault(List.of(s.source(), s.host(), s.service()), Long.MAX_VALUE) >= s.firstMs();
    }

    /** One finding per source with a login on an edge the store did not know before it. */
    List<Finding> find(List<AdminEdge> logins, FeatureRequest.KnownEdges.Answer known, Instant end) {
        if (!learned(known, end)) {
            return List.of();
        }
        Map<String, List<AdminEdge>> history = new HashMap<>();
        known.edges().forEach(e -> history.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(e));
        Map<String, List<AdminEdge>> fresh = new LinkedHashMap<>();
        for (AdminEdge login : logins) {
            List<AdminEdge> mine = history.getOrDefault(login.source(), List.of());
            boolean seenBefore = mine.stream().anyMatch(e -> e.target().equals(login.target()) && e.service().equals(login.service())
                    && e.firstSeen().isBefore(login.firstSeen()));
            if (!seenBefore) {
                fresh.computeIfAbsent(login.source(), s -> new ArrayList<>()).add(login);
            }
        }
        List<Finding> out = new ArrayList<>();
        fresh.forEach((source, edges) -> {
            List<AdminEdge> mine = history.getOrDefault(source, List.of());
            if (administers(mine, edges, end)) {
                return;
            }
            Instant since = end.minus(config.newEdge().fanOutWindow());
            Set<String> newTargets = new TreeSet<>();
            edges.forEach(e -> newTargets.add(e.target()));
            // Targets first reached within the window, on any service, by an edge the store already remembers.
            mine.stream().filter(e -> !e.firstSeen().isBefore(since))
                    .filter(e -> mine.stream().noneMatch(o -> o.target().equals(e.target()) && o.firstSeen().isBefore(since)))
                    .forEach(e -> newTargets.add(e.target()));
            Set<String> services = new TreeSet<>();
            edges.forEach(e -> services.add(e.service()));
            Set<String> targets = new TreeSet<>();
            edges.forEach(e -> targets.add(e.target()));
            long first = edges.stream().mapToLong(e -> e.firstSeen().toEpochMilli()).min().orElseThrow();
            long last = edges.stream().mapToLong(e -> e.lastSeen().toEpochMilli()).max().orElseThrow();
            out.add(new Finding(AlertType.NEW_ADMIN_EDGE, source, List.of(source), List.copyOf(targets), List.copyOf(services),
                    first, last, new NewEdgeEvidence(List.copyOf(edges), newTargets.size(), known.learningSince())));
        });
        return out;
    }

    /**
     * Whether the source administers routinely: it reached enough hosts on admin services, apart from today's new
     * ones, and the first of them long enough ago.
     */
    private boolean administers(List<AdminEdge> known, List<AdminEdge> fresh, Instant end) {
        Set<String> targets = new HashSet<>();
        Instant first = null;
        for (AdminEdge e : known) {
            boolean isFresh = fresh.stream().anyMatch(f -> f.target().equals(e.target()) && f.service().equals(e.service()));
            if (isFresh) {
                continue;
            }
            targets.add(e.target());
            first = first == null || e.firstSeen().isBefore(first) ? e.firstSeen() : first;
        }
        return targets.size() >= config.newEdge().adminHostMinTargets() && first != null
                && !first.isAfter(end.minus(config.newEdge().adminHostMinAge()));
    }
}
