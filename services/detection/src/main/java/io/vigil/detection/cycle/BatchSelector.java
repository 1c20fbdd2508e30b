package io.vigil.detection.cycle;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which batches a cycle judges: per sensor, the ones stored beyond its processed mark. Two queries whatever the number
 * of tenants: the stored marks of every sensor ({@code sensor_batches}, ClickHouse) and, for the tenants whose stored
 * marks differ from what this replica last committed or read, their processed marks (PostgreSQL). An idle cycle makes
 * only the first.
 */
@ApplicationScoped
public class BatchSelector {

    private static final Logger LOG = Logger.getLogger(BatchSelector.class);

    private final FlowFeatures flows;
    private final SensorMarks marks;
    /** The marks this replica last committed or read, per tenant: lets an idle cycle skip PostgreSQL. */
    private final Map<String, Map<String, Long>> known = new ConcurrentHashMap<>();

    public BatchSelector(FlowFeatures flows, SensorMarks marks) {
        this.flows = flows;
        this.marks = marks;
    }

    /** The tenants among {@code tenants} (this replica's shard, say) with batches to judge. Blocking. */
    public List<TenantBatches> select(Instant activeSince, Predicate<String> tenants) {
        Map<String, List<FlowFeatures.StoredSeq>> stored = flows.storedSeqs(activeSince).stream()
                .filter(s -> tenants.test(s.tenant()))
                .collect(Collectors.groupingBy(FlowFeatures.StoredSeq::tenant, LinkedHashMap::new, Collectors.toList()));
        stored.entrySet().removeIf(e -> {
            Map<String, Long> k = known.get(e.getKey());
            return k != null && e.getValue().stream().allMatch(s -> s.seq() == k.getOrDefault(s.sensor(), 0L));
        });
        return work(stored);
    }

    /** One tenant's batches to judge (tests, and the cycle of a single tenant). Blocking. */
    public List<TenantBatches> select(String tenant, Instant activeSince) {
        List<FlowFeatures.StoredSeq> stored = flows.storedSeqs(tenant, activeSince);
        return stored.isEmpty() ? List.of() : work(Map.of(tenant, stored));
    }

    private List<TenantBatches> work(Map<String, List<FlowFeatures.StoredSeq>> stored) {
        if (stored.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, Long>> processed = marks.of(stored.keySet()).await().atMost(Duration.ofSeconds(30));
        List<TenantBatches> out = new ArrayList<>();
        stored.forEach((tenant, seqs) -> {
            Map<String, Long> done = processed.getOrDefault(tenant, Map.of());
            List<SeqRange> ranges = new ArrayList<>();
            for (FlowFeatures.StoredSeq s : seqs) {
                long mark = done.getOrDefault(s.sensor(), 0L);
                if (s.seq() > mark) {
                    ranges.add(new SeqRange(s.sensor(), mark, s.seq()));
                } else if (s.seq() < mark) {
                    // Sequences never go back for a sensor (ingest drops a batch at or below the stored mark as a
                    // resend), so ClickHouse lost or was reset to older data: judge what it holds again rather than
                    // nothing forever.
                    LOG.warnf("tenant %s sensor %s: stored batches went back from %d to %d (ClickHouse data reset?); judged again",
                            tenant, s.sensor(), mark, s.seq());
                    ranges.add(new SeqRange(s.sensor(), 0, s.seq()));
                }
            }
            if (ranges.isEmpty()) {
                known.put(tenant, new HashMap<>(done));
            } else {
                out.add(new TenantBatches(tenant, ranges, done));
            }
        });
        return out;
    }

    /** The tenant's marks moved to the ranges' ends: its next idle cycles cost no PostgreSQL read. */
    public void committed(TenantBatches batches) {
        Map<String, Long> now = new HashMap<>(batches.processed());
        batches.ranges().forEach(r -> now.put(r.sensor(), r.upTo()));
        known.put(batches.tenant(), now);
    }

    /** The tenant failed or lost a race: its next cycle reads its marks from PostgreSQL again. */
    public void forget(String tenant) {
        known.remove(tenant);
    }
}
