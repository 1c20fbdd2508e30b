package io.vigil.sensor.collect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the collector knows of one exporter's observation domain for one protocol version (RFC 3954's Source ID,
 * RFC 7011's Observation Domain ID; NetFlow v5's engine type and id): its templates, where its sequence numbers
 * stand, its clock base and its sampling. Templates are scoped here, as both RFCs scope them.
 */
final class Source {

    /** Sampler and interface tables are small in practice; a source announcing more keeps the latest. */
    private static final int MAX_SAMPLERS = 64;
    /** A sequence number this far behind the expected one is a restart, not a datagram overtaken in the network. */
    private static final long REORDER_WINDOW = 1000;
    /** An uptime going back by more than this is a reboot, unless it just wrapped past 2^32 ms (49.7 days). */
    private static final long UPTIME_SLACK_MS = 1000;
    private static final long WRAP_ZONE_MS = 3_600_000;

    final Exporters.Exporter exporter;
    final int version;
    final long domain;
    final LinkedHashMap<Integer, Template> templates = new LinkedHashMap<>(16, 0.75f, true);
    long templateBytes;

    /** IPFIX: systemInitTimeMilliseconds from options data (or records), which sysUpTime fields count from; -1 unknown. */
    long systemInitMs = -1;
    /** Sampling the exporter announced for all its traffic (v5 header, system-scoped options); 0 when it said nothing. */
    int defaultRate;
    final Map<Long, Integer> samplerRates = bounded();
    /** Written through {@link #putInterfaceRate}, which keeps {@link #rate}'s one-entry cache right. */
    final Map<Long, Integer> interfaceRates = bounded();
    /**
     * The interface {@link #rate} last looked up and what it found (null: nothing announced for it). An exporter's
     * records come from a few interfaces, often one: this spares a boxed hash lookup per record.
     */
    private long lastIngress = -1;
    private Integer lastIngressRate;

    private boolean sequenced;
    private long lastSequence;
    private long lastRecords;
    private long lastFlowRecords;
    private long lastUptime = -1;

    Source(Exporters.Exporter exporter, int version, long domain) {
        this.exporter = exporter;
        this.version = version;
        this.domain = domain;
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>(8, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_SAMPLERS;
            }
        };
    }

    /** Outcome of checking a message's sequence number. */
    enum Sequence { IN_ORDER, GAP, LATE, RESTART }

    /**
     * Checks this message's sequence number and moves the expectation on.
     *
     * @param sequence    the header's sequence number (32 bits)
     * @param uptimeMs    v5/v9 sysUptime, or -1 (IPFIX has none)
     * @param records     what this message adds to the sequence: 1 for v9 (it counts export packets), its flow
     *                    records for v5, its data records for IPFIX (RFC 7011 §3.1: those sent before the message)
     * @param flowRecords IPFIX: its data records other than options records; otherwise {@code records}
     */
    Sequence sequence(long sequence, long uptimeMs, long records, long flowRecords) {
        if (!sequenced) {
            sequenced = true;
            accept(sequence, uptimeMs, records, flowRecords);
            return Sequence.IN_ORDER;
        }
        int ahead = (int) (sequence - (lastSequence + lastRecords));
        boolean uptimeBack = uptimeMs >= 0 && lastUptime >= 0 && uptimeMs + UPTIME_SLACK_MS < lastUptime
                && !(lastUptime > 0xffff_ffffL - WRAP_ZONE_MS && uptimeMs < WRAP_ZONE_MS);
        // A counter that starts again from zero (or from this message's own records) is a restarted exporter however
        // little it had sent before; far behind is one too, not a datagram overtaken in the network.
        boolean reset = ahead < 0 && sequence <= Math.max(1, records);
        Sequence outcome;
        if (uptimeBack || reset || ahead < -REORDER_WINDOW) {
            exporter.restarts++;
            outcome = Sequence.RESTART;
        } else if (ahead == 0 || follows(sequence, lastFlowRecords) || follows(sequence, records)
                || follows(sequence, flowRecords)) {
            // Exporters differ in what they count: softflowd's IPFIX counts the message's own flow records and no
            // options records. Any of these readings is in order; only a jump beyond all of them is a loss.
            outcome = Sequence.IN_ORDER;
        } else if (ahead > 0) {
            exporter.lost += ahead;
            outcome = Sequence.GAP;
        } else {
            exporter.late++;
            return Sequence.LATE;
        }
        accept(sequence, uptimeMs, records, flowRecords);
        return outcome;
    }

    private boolean follows(long sequence, long increment) {
        return (int) (sequence - (lastSequence + increment)) == 0;
    }

    private void accept(long sequence, long uptimeMs, long records, long flowRecords) {
        lastSequence = sequence;
        lastRecords = records;
        lastFlowRecords = flowRecords;
        lastUptime = uptimeMs;
    }

    /**
     * The sampling rate for a record: its own, else its sampler's, else its interface's, else the source's, else 0.
     * This runs for every record: the tables are looked up (boxing the key) only when something was announced.
     */
    int rate(int recordRate, long samplerId, long ingressInterface) {
        if (recordRate > 0) {
            return recordRate;
        }
        if (samplerId >= 0 && !samplerRates.isEmpty()) {
            Integer r = samplerRates.get(samplerId);
            if (r != null) {
                return r;
            }
        }
        if (ingressInterface >= 0 && !interfaceRates.isEmpty()) {
            if (ingressInterface != lastIngress) {
                lastIngressRate = interfaceRates.get(ingressInterface);
                lastIngress = ingressInterface;
            }
            Integer r = lastIngressRate;
            if (r != null) {
                return r;
            }
        }
        return defaultRate;
    }

    /** Sets an interface's announced rate; the previous one, or null. */
    Integer putInterfaceRate(long ingressInterface, int rate) {
        lastIngress = -1; // the table changes (and may drop its eldest entry): look up afresh
        return interfaceRates.put(ingressInterface, rate);
    }

    String describe() {
        return exporter.text + " (" + (version == 10 ? "IPFIX" : "NetFlow v" + version) + ", "
                + (version == 5 ? "engine " : version == 9 ? "source id " : "observation domain ") + domain + ")";
    }
}
