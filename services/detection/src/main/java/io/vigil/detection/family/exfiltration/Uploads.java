package io.vigil.detection.family.exfiltration;

import io.vigil.detection.family.Units;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Transfer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Uploads and staging from an internal host's transfers (DESIGN.md, "Exfiltration"). Pure.
 *
 * <p>The volume is the IP bytes the host sent, as the initiator, to addresses outside the customer's networks within the
 * last hour. At least {@code min-bytes} of it makes a finding whose verdict belongs to the gate: against a MATURE
 * baseline's hour-of-week p99 of bytes out, or, without one, against the absolute floor (1 GiB, Darktrace's "Uncommon
 * 1 GiB Outbound"). Staging is the same upload after the host pulled much from many internal hosts within hours, the
 * shape of data gathered before it leaves.
 */
final class Uploads {

    /** Destinations an alert lists. */
    static final int LISTED = 10;

    private final ExfiltrationConfig config;

    Uploads(ExfiltrationConfig config) {
        this.config = config;
    }

    /** Internal sources that sent to an external host in the new batches, the largest senders first, bounded. */
    Set<String> candidates(List<Transfer> transfers, Networks networks) {
        Map<String, Long> out = new HashMap<>();
        for (Transfer t : transfers) {
            if (networks.contains(t.source()) && !networks.contains(t.host()) && !Networks.groupAddress(t.host()) && t.bytesOut() > 0) {
                out.merge(t.source(), t.bytesOut(), Long::sum);
            }
        }
        Set<String> sources = new LinkedHashSet<>();
        out.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(config.maxSources()).forEach(e -> sources.add(e.getKey()));
        return sources;
    }

    /** One finding per source whose external bytes within the window reached {@code min-bytes}: staging or an upload. */
    List<Finding> find(List<Transfer> history, Networks networks) {
        Map<String, List<Transfer>> bySource = new LinkedHashMap<>();
        history.forEach(t -> bySource.computeIfAbsent(t.source(), s -> new ArrayList<>()).add(t));
        List<Finding> out = new ArrayList<>();
        bySource.forEach((source, rows) -> {
            if (!networks.contains(source)) {
                return;
            }
            Map<String, Long> byDestination = new HashMap<>();
            Map<String, Long> byHost = new HashMap<>();
            SortedMap<Long, Long> timeline = new TreeMap<>();
            Set<String> hosts = new TreeSet<>();
            Set<String> services = new TreeSet<>();
            long external = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long pulled = 0;
            Set<String> pulledFrom = new HashSet<>();
            for (Transfer t : rows) {
                boolean outside = !networks.contains(t.host()) && !Networks.groupAddress(t.host());
                if (outside && t.recent()) {
                    external += t.bytesOut();
                    byDestination.merge(t.host() + " " + t.service(), t.bytesOut(), Long::sum);
                    byHost.merge(t.host(), t.bytesOut(), Long::sum);
                    t.outByMinute().forEach((minute, n) -> timeline.merge(minute, n, Long::sum));
                    if (t.bytesOut() > 0) {
                        hosts.add(t.host());
                        services.add(t.service());
                        first = Math.min(first, t.firstMs());
                        last = Math.max(last, t.lastMs());
                    }
                } else if (!outside && networks.contains(t.host()) && t.bytesIn() > 0) {
                    pulled += t.bytesIn();
                    pulledFrom.add(t.host());
                }
            }
            if (external < config.minBytes()) {
                return;
            }
            List<String> destinations = byDestination.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(LISTED).map(e -> e.getKey() + " " + Units.bytes(e.getValue())).toList();
            Map<String, Long> topHosts = new LinkedHashMap<>();
            byHost.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(LISTED).forEach(e -> topHosts.put(e.getKey(), e.getValue()));
            boolean staged = pulled >= config.staging().minBytes() && pulledFrom.size() >= config.staging().minHosts();
            UploadEvidence evidence = new UploadEvidence(external, destinations, topHosts, timeline, external >= config.floorBytes(),
                    staged ? pulled : 0, staged ? pulledFrom.size() : 0, Set.of());
            out.add(new Finding(staged ? AlertType.DATA_STAGING : AlertType.UNUSUAL_UPLOAD, source, List.of(source),
                    List.copyOf(hosts), List.copyOf(services), first, last, evidence));
        });
        return out;
    }
}
