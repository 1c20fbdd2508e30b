package io.vigil.detection.family.exfiltration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.Rarity;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.family.Units;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * "Exfiltration": unusual uploads and data staging (DESIGN.md, "Exfiltration"). From a tenant's new batches it takes the
 * transfers of the sources that sent at least {@code trigger-bytes}; for the internal ones that sent outside, it asks for
 * their transfers within the window of the per-minute roll-up and judges the external bytes. For the uploads it finds,
 * it then asks for the staging horizon (what they pulled before) and how rare their destinations are.
 */
@ApplicationScoped
public class ExfiltrationFamily implements Family {

    /** Web ports: an upload there is T1041 alone; elsewhere also T1048 (Exfiltration Over Alternative Protocol). */
    private static final Set<String> WEB = Set.of("80/tcp", "443/tcp", "443/udp", "8080/tcp", "8443/tcp");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Minutes of the upload's time chart an alert keeps: the last six hours. */
    static final int TIMELINE_MINUTES = 360;

    private final ExfiltrationConfig config;
    private final Rarity rarity;
    private final Uploads uploads;

    public ExfiltrationFamily(ExfiltrationConfig config, Rarity rarity) {
        this.config = config;
        this.rarity = rarity;
        this.uploads = new Uploads(config);
    }

    @Override
    public AlertFamily family() {
        return AlertFamily.EXFILTRATION;
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public long transferFloor() {
        return config.triggerBytes();
    }

    @Override
    public List<FeatureRequest<?>> requests(TenantWindow window) {
        Set<String> sending = uploads.candidates(window.transfers(), window.networks());
        return sending.isEmpty() ? List.of() : List.of(history(sending));
    }

    /**
     * The sending sources' transfers within the window: what an upload is judged on. Only of those that sent
     * {@code min-bytes} within it, to anyone: less to the outside makes no finding, and most 1 MiB senders of a cycle
     * are far below it.
     */
    private FeatureRequest.TransferHistory history(Set<String> sources) {
        return new FeatureRequest.TransferHistory(sources, config.window(), config.window(), config.minBytes());
    }

    /**
     * The uploading sources' transfers over the staging horizon, when it is longer than the window: read only for the
     * sources with an upload finding, since a horizon of hours of the roll-up costs several times the window's read.
     */
    private Optional<FeatureRequest.TransferHistory> staging(Set<String> sources) {
        return config.staging().horizon().compareTo(config.window()) > 0
                ? Optional.of(new FeatureRequest.TransferHistory(sources, config.staging().horizon(), config.window(), config.minBytes()))
                : Optional.empty();
    }

    @Override
    public List<Finding> detect(TenantFeatures features) {
        Set<String> sending = uploads.candidates(features.window().transfers(), features.window().networks());
        if (sending.isEmpty()) {
            return List.of();
        }
        return uploads.find(features.get(history(sending)), features.window().networks());
    }

    /** The uploaders' pulls over the staging horizon, and how rare the hosts that got the most of each upload are. */
    @Override
    public List<FeatureRequest<?>> followUps(List<Finding> findings) {
        List<FeatureRequest<?>> out = new ArrayList<>();
        staging(sources(findings)).ifPresent(out::add);
        prevalence(findings).ifPresent(out::add);
        return out;
    }

    /**
     * Each upload judged again over the staging horizon (staging or not), then its rare hosts marked. The reads are
     * looked up by the very requests {@link #followUps} made of the same findings: one per tenant, for all of them.
     */
    @Override
    public List<Finding> refine(List<Finding> uploads, TenantFeatures features) {
        List<Finding> findings = uploads;
        Optional<FeatureRequest.TransferHistory> staging = staging(sources(uploads));
        if (staging.isPresent()) {
            Map<String, Finding> again = new HashMap<>();
            this.uploads.find(features.get(staging.get()), features.window().networks()).forEach(f -> again.put(f.source(), f));
            findings = uploads.stream().map(f -> again.getOrDefault(f.source(), f)).toList();
        }
        FeatureRequest.DestinationPrevalence.Answer answer = prevalence(uploads).map(features::get)
                .orElse(new FeatureRequest.DestinationPrevalence(Set.of(), rarity.horizon()).none());
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            UploadEvidence e = (UploadEvidence) f.evidence();
            Set<String> rare = new TreeSet<>();
            e.hostBytes().keySet().stream().filter(h -> rarity.rare(answer, h, features.window().end())).forEach(rare::add);
            out.add(f.withEvidence(e.withRare(rare)));
        }
        return out;
    }

    private static Set<String> sources(List<Finding> findings) {
        Set<String> out = new TreeSet<>();
        findings.forEach(f -> out.add(f.source()));
        return out;
    }

    /** How rare the hosts are that got the most of the uploads: one read for all of them; none without hosts. */
    private Optional<FeatureRequest.DestinationPrevalence> prevalence(List<Finding> findings) {
        Set<String> hosts = new TreeSet<>();
        findings.forEach(f -> hosts.addAll(((UploadEvidence) f.evidence()).hostBytes().keySet()));
        return hosts.isEmpty() ? Optional.empty() : Optional.of(rarity.request(hosts));
    }

    /**
     * Against the source's hour-of-week p99 of bytes out when its baseline is MATURE; without one, only a volume above
     * the floor goes on (staging always does: pulling from many hosts, then sending out, is the signal itself).
     */
    @Override
    public GatePolicy gate(Finding f) {
        UploadEvidence e = (UploadEvidence) f.evidence();
        return GatePolicy.lastHour(List.of(Metric.BYTES_OUT), e.aboveFloor() || f.type() == AlertType.DATA_STAGING);
    }

    /**
     * Each cycle sees the whole last hour again, so the alert keeps the largest volume seen, not a sum, and each
     * minute's largest figure of its time chart.
     */
    @Override
    public void merge(Alert a, Finding f) {
        UploadEvidence e = (UploadEvidence) f.evidence();
        JsonNode before = tree(a.evidence);
        long external = Math.max(e.externalBytes(), before.path("externalBytesLastHour").asLong(0));
        boolean rare = e.mostlyRare() || before.path("mostlyToRareDestinations").asBoolean(false);
        ObjectNode node = JSON.createObjectNode();
        node.put("externalBytesLastHour", external);
        ArrayNode destinations = node.putArray("destinations");
        e.destinations().forEach(destinations::add);
        ArrayNode rareHosts = node.putArray("rareDestinations");
        e.rareHosts().forEach(rareHosts::add);
        node.put("mostlyToRareDestinations", rare);
        SortedMap<Long, Long> timeline = new TreeMap<>(e.timeline());
        before.path("timeline").forEach(m -> timeline.merge(Instant.parse(m.path("minute").asText()).toEpochMilli(),
                m.path("bytes").asLong(), Math::max));
        ArrayNode chart = node.putArray("timeline");
        timeline.entrySet().stream().skip(Math.max(0, timeline.size() - TIMELINE_MINUTES)).forEach(m -> chart.addObject()
                .put("minute", Instant.ofEpochMilli(m.getKey()).toString()).put("bytes", m.getValue()));
        if (a.type == AlertType.DATA_STAGING) {
            node.put("pulledBytes", e.pulledBytes());
            node.put("pulledFromHosts", e.pulledHosts());
        }
        a.evidence = node.toString();
        Set<String> techniques = new TreeSet<>();
        techniques.add("T1041");
        for (String service : a.ports) {
            if (!WEB.contains(service)) {
                techniques.add("T1048");
            }
        }
        if (a.type == AlertType.DATA_STAGING) {
            techniques.add("T1074");
        }
        a.mitre = techniques.toArray(String[]::new);
        int volume = (external >= config.floorBytes() ? 20 : 0) + (external >= 10 * config.floorBytes() ? 20 : 0);
        a.score = Math.max(a.score, (a.type == AlertType.DATA_STAGING ? 65 : 45) + volume + (rare ? 15 : 0));
        String to = (a.targetCount == 1 ? a.targets[0] : a.targetCount + " external hosts")
                + (rare ? a.targetCount == 1 ? ", a rare destination," : ", mostly rare destinations," : "");
        a.summary = a.type == AlertType.DATA_STAGING
                ? String.format(Locale.ROOT, "%s pulled %s from %d internal hosts, then sent %s to %s within the hour", a.source,
                Units.bytes(e.pulledBytes()), e.pulledHosts(), Units.bytes(external), to)
                : String.format(Locale.ROOT, "%s sent %s to %s within the hour", a.source, Units.bytes(external), to);
    }

    /** The alert's evidence so far; empty when it has none yet. */
    private static JsonNode tree(String evidence) {
        try {
            return JSON.readTree(evidence == null ? "{}" : evidence);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
