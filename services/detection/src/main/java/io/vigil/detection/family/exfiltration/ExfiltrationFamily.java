package io.vigil.detection.family.exfiltration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * "Exfiltration": unusual uploads and data staging (DESIGN.md, "Exfiltration"). From a tenant's new batches it takes the
 * transfers of the sources that sent at least {@code trigger-bytes}; for the internal ones that sent outside, it asks for
 * their transfers over the staging horizon of the per-minute roll-up, and judges the last hour's external bytes.
 */
@ApplicationScoped
public class ExfiltrationFamily implements Family {

    /** Web ports: an upload there is T1041 alone; elsewhere also T1048 (Exfiltration Over Alternative Protocol). */
    private static final Set<String> WEB = Set.of("80/tcp", "443/tcp", "443/udp", "8080/tcp", "8443/tcp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExfiltrationConfig config;
    private final Uploads uploads;

    public ExfiltrationFamily(ExfiltrationConfig config) {
        this.config = config;
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

    private FeatureRequest.TransferHistory history(Set<String> sources) {
        return new FeatureRequest.TransferHistory(sources, config.staging().horizon().compareTo(config.window()) > 0
                ? config.staging().horizon() : config.window(), config.window());
    }

    @Override
    public List<Finding> detect(TenantFeatures features) {
        Set<String> sending = uploads.candidates(features.window().transfers(), features.window().networks());
        if (sending.isEmpty()) {
            return List.of();
        }
        return uploads.find(features.get(history(sending)), features.window().networks());
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

    /** Each cycle sees the whole last hour again, so the alert keeps the largest volume seen, not a sum. */
    @Override
    public void merge(Alert a, Finding f) {
        UploadEvidence e = (UploadEvidence) f.evidence();
        long external = Math.max(e.externalBytes(), previous(a.evidence));
        ObjectNode node = JSON.createObjectNode();
        node.put("externalBytesLastHour", external);
        ArrayNode destinations = node.putArray("destinations");
        e.destinations().forEach(destinations::add);
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
        a.score = Math.max(a.score, (a.type == AlertType.DATA_STAGING ? 65 : 45) + volume);
        String to = a.targetCount == 1 ? a.targets[0] : a.targetCount + " external hosts";
        a.summary = a.type == AlertType.DATA_STAGING
                ? String.format(Locale.ROOT, "%s pulled %s from %d internal hosts, then sent %s to %s within the hour", a.source,
                Uploads.bytes(e.pulledBytes()), e.pulledHosts(), Uploads.bytes(external), to)
                : String.format(Locale.ROOT, "%s sent %s to %s within the hour", a.source, Uploads.bytes(external), to);
    }

    /** The largest hour's volume the alert has seen, or 0. */
    private static long previous(String evidence) {
        try {
            return JSON.readTree(evidence == null ? "{}" : evidence).path("externalBytesLastHour").asLong(0);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return 0;
        }
    }
}
