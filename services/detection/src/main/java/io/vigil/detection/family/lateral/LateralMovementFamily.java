package io.vigil.detection.family.lateral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.BaselineConfig;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.family.Units;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * "Lateral Movement": new admin edges and password guessing (DESIGN.md, "Lateral movement"). From a tenant's new
 * batches it takes the sessions with admin services; it asks the edge store what the logging-in sources reached before,
 * and the per-minute roll-up for the brute-force window of the sources that connected; it teaches the store every
 * internal admin login it saw.
 */
@ApplicationScoped
public class LateralMovementFamily implements Family {

    /** New edges an alert lists; the count keeps growing past it. */
    static final int LISTED_EDGES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LateralMovementConfig config;
    private final NewAdminEdges edges;
    private final BruteForce bruteForce;

    public LateralMovementFamily(LateralMovementConfig config, BaselineConfig baseline) {
        this.config = config;
        this.edges = new NewAdminEdges(config, baseline.learningPeriod());
        this.bruteForce = new BruteForce(config.bruteForce());
    }

    @Override
    public AlertFamily family() {
        return AlertFamily.LATERAL_MOVEMENT;
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public Set<Integer> sessionPorts() {
        return config.adminPorts();
    }

    @Override
    public List<FeatureRequest<?>> requests(TenantWindow window) {
        return requests(window, edges.logins(window.sessions(), window.networks()));
    }

    /** The reads for the window whose internal admin logins are {@code logins}. */
    private List<FeatureRequest<?>> requests(TenantWindow window, List<AdminEdge> logins) {
        List<FeatureRequest<?>> out = new ArrayList<>();
        if (!logins.isEmpty()) {
            out.add(new FeatureRequest.KnownEdges(edges.sources(logins)));
        }
        Set<String> guessing = BruteForce.candidates(window.sessions(), config.adminPorts(), window.networks(), config.maxSources());
        if (!guessing.isEmpty()) {
            out.add(new FeatureRequest.SessionHistory(guessing, config.adminPorts(), config.bruteForce().window()));
        }
        return out;
    }

    @Override
    public List<Finding> detect(TenantFeatures features) {
        return assess(features).findings();
    }

    /**
     * What the window's admin logins teach the edge store: all of them but the guesses. A source that guessed at a host
     * has not logged in there, so its real first login, if a guess works, is still a new edge.
     */
    @Override
    public List<AdminEdge> learned(TenantFeatures features) {
        return assess(features).learned();
    }

    /** The findings and the learned edges from one assessment of the window. */
    @Override
    public Judgement judge(TenantFeatures features) {
        Assessed assessed = assess(features);
        return new Judgement(assessed.findings(), assessed.learned());
    }

    /** The findings of one window, its internal admin logins, and which services of which hosts each source guessed at. */
    private record Assessed(List<Finding> findings, List<AdminEdge> logins, Set<List<String>> guesses) {

        boolean guessed(AdminEdge e) {
            return guesses.contains(List.of(e.source(), e.target(), e.service()));
        }

        List<AdminEdge> learned() {
            return logins.stream().filter(e -> !guessed(e)).toList();
        }
    }

    /**
     * New edges and guessing. A source's new edges to hosts it was guessing at are its guesses (the service spoke, no
     * login is known to have worked), so they are left to the brute-force finding. The edge store's answer is read
     * first: spraying from inside counts only the hosts new to the source.
     */
    private Assessed assess(TenantFeatures features) {
        TenantWindow w = features.window();
        List<AdminEdge> logins = edges.logins(w.sessions(), w.networks());
        List<FeatureRequest<?>> asked = requests(w, logins);
        FeatureRequest.KnownEdges.Answer known = asked.stream().filter(FeatureRequest.KnownEdges.class::isInstance)
                .map(r -> features.get((FeatureRequest.KnownEdges) r)).findFirst().orElse(new FeatureRequest.KnownEdges(Set.of()).none());
        List<Finding> guessing = asked.stream().filter(FeatureRequest.SessionHistory.class::isInstance)
                .flatMap(r -> bruteForce.find(features.get((FeatureRequest.SessionHistory) r), w.networks(), edges.fresh(known, w.end())).stream())
                .toList();
        Set<List<String>> keys = new HashSet<>();
        guessing.forEach(f -> f.targets().forEach(t -> f.services().forEach(service -> keys.add(List.of(f.source(), t, service)))));
        Assessed guesses = new Assessed(List.of(), logins, keys);
        List<AdminEdge> real = guesses.learned();
        List<Finding> out = new ArrayList<>();
        asked.stream().filter(FeatureRequest.KnownEdges.class::isInstance).map(FeatureRequest.KnownEdges.class::cast)
                .forEach(k -> out.addAll(edges.find(real.stream().filter(e -> k.sources().contains(e.source())).toList(), known, w.end())));
        out.addAll(guessing);
        return new Assessed(out, logins, keys);
    }

    /** No host's hour-of-week figures speak for a new edge or a guessing run: each goes on with what it measured. */
    @Override
    public GatePolicy gate(Finding f) {
        if (f.evidence() instanceof NewEdgeEvidence e) {
            return GatePolicy.fixed(new Gate.Verdict(Gate.State.NONE, false, List.of(), String.format(Locale.ROOT,
                    "no earlier login from %s to %s on %s since the customer began learning (%s)", f.source(),
                    String.join(", ", f.targets()), String.join(", ", f.services()),
                    DateTimeFormatter.ISO_INSTANT.format(e.learningSince())), "since " + DateTimeFormatter.ISO_INSTANT.format(e.learningSince())));
        }
        BruteForceEvidence b = (BruteForceEvidence) f.evidence();
        String window = "in the last " + b.window().toMinutes() + " min";
        return GatePolicy.fixed(new Gate.Verdict(Gate.State.NONE, false, List.of(), String.format(Locale.ROOT,
                "%d connections %s to one service of one host: no host baseline applies", b.connections(), window), window));
    }

    /**
     * A new edge's logins add up (each cycle's are new); a guessing run's window overlaps earlier cycles, so its count
     * only raises the alert's to what it saw.
     */
    @Override
    public void merge(Alert a, Finding f) {
        Set<String> techniques = new TreeSet<>();
        for (String service : a.ports) {
            techniques.add(AdminServices.of(AdminServices.port(service)).technique());
        }
        if (f.evidence() instanceof NewEdgeEvidence e) {
            a.attempts += e.edges().size();
            ObjectNode evidence = object(a.evidence);
            int fanOut = Math.max(evidence.path("fanOut").asInt(0), e.fanOut());
            Set<String> listed = new LinkedHashSet<>();
            evidence.path("newEdges").forEach(n -> listed.add(n.asText()));
            for (AdminEdge edge : e.edges()) {
                if (listed.size() >= LISTED_EDGES) {
                    break;
                }
                listed.add(edge.target() + " " + edge.service());
            }
            ObjectNode node = JSON.createObjectNode();
            ArrayNode arr = node.putArray("newEdges");
            listed.forEach(arr::add);
            node.put("fanOut", fanOut);
            node.put("learningSince", DateTimeFormatter.ISO_INSTANT.format(e.learningSince()));
            a.evidence = node.toString();
            a.mitre = techniques.toArray(String[]::new);
            a.score = Math.max(a.score, 50 + (fanOut >= 3 ? 15 : 0) + (fanOut >= 10 ? 20 : 0));
            a.summary = newEdgeSummary(a, fanOut);
        } else {
            BruteForceEvidence b = (BruteForceEvidence) f.evidence();
            a.attempts = Math.max(a.attempts, b.connections());
            techniques.add(a.targetCount > 1 ? "T1110.003" : "T1110");
            ObjectNode node = JSON.createObjectNode();
            node.put("connections", a.attempts);
            node.put("meanBytesPerConnection", b.meanBytes());
            node.put("meanPacketsPerConnection", b.meanPackets());
            node.put("spread", Math.round(b.spread() * 100) / 100.0);
            node.put("window", b.window().toString());
            a.evidence = node.toString();
            a.mitre = techniques.toArray(String[]::new);
            boolean inside = a.type == AlertType.AUTH_BRUTE_FORCE;
            int volume = (a.attempts >= 100 ? 10 : 0) + (a.attempts >= 1000 ? 15 : 0);
            a.score = Math.max(a.score, (inside ? 60 : 20) + volume);
            a.summary = String.format(Locale.ROOT, "%s made %d short, similar connections to %s of %s (about %s each)%s",
                    a.source, a.attempts, a.ports.length == 0 ? "?" : AdminServices.label(AdminServices.port(a.ports[0])),
                    a.targetCount == 1 ? a.targets[0] : a.targetCount + " hosts", Units.bytes(b.meanBytes()),
                    inside ? ": password guessing from inside" : "");
        }
    }

    private static String newEdgeSummary(Alert a, int fanOut) {
        Set<String> names = new TreeSet<>();
        for (String service : a.ports) {
            names.add(AdminServices.label(AdminServices.port(service)));
        }
        String over = String.join(", ", names);
        if (a.targetCount == 1) {
            return String.format(Locale.ROOT, "%s logged in to %s over %s for the first time", a.source, a.targets[0], over);
        }
        return String.format(Locale.ROOT, "%s logged in to %d hosts it never reached before over %s%s", a.source, a.targetCount,
                over, fanOut >= 3 ? " (" + fanOut + " new within the fan-out window)" : "");
    }

    private static ObjectNode object(String json) {
        try {
            JsonNode n = JSON.readTree(json == null ? "{}" : json);
            return n instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
