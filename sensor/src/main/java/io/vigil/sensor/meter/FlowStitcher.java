package io.vigil.sensor.meter;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.collect.FlowRecord;
import io.vigil.sensor.output.FlowProtos;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.IntFunction;

import static io.vigil.sensor.meter.FlowTable.A_HI;
import static io.vigil.sensor.meter.FlowTable.A_LO;
import static io.vigil.sensor.meter.FlowTable.B_HI;
import static io.vigil.sensor.meter.FlowTable.B_LO;
import static io.vigil.sensor.meter.FlowTable.FREE;
import static io.vigil.sensor.meter.FlowTable.META;

/**
 * Stitches exporters' flow records, one per direction, into the bidirectional flows the packet meter makes: the
 * originator decided from the two directions' TCP flag unions (else times, else ports), Zeek's conn_state and
 * history letters derived from those unions, and the exporter and sampling rate kept. DESIGN.md ("Flows from
 * exporters") gives the rules and what records cannot tell.
 *
 * <p>A record sits in a {@link FlowTable} (same index and slab, its own record layout: 144 bytes per flow of capacity)
 * until the record of its reverse direction arrives (then the flow leaves at once if it is a finished TCP connection,
 * else after the meter's close linger, which gathers an exporter's split records), or until {@code stitchWait} passes
 * without it. Waiting is in wall time since arrival: exporters send a flow once it has ended, so the records' own
 * times say nothing about when the reverse will come. A record whose times are more than the idle timeout away from
 * a held one of its key starts a flow of its own, as in the packet meter. Not thread-safe: the collector thread only.
 */
public final class FlowStitcher {

    // Record layout: the key in 0-4 (as FlowTable wants it), then per direction A→B and B→A (A: the smaller endpoint).
    static final int AB_FIRST = 5;
    static final int AB_LAST = 6;
    static final int AB_PKTS = 7;
    static final int AB_BYTES = 8;
    static final int BA_FIRST = 9;
    static final int BA_LAST = 10;
    static final int BA_PKTS = 11;
    static final int BA_BYTES = 12;
    /** flags A→B 0-7 | flags B→A 8-15 | ICMP type/code A→B 16-31 | B→A 32-47 | VLAN 48-59 | seen A→B 60 | B→A 61 | first record B→A 62. */
    static final int MISC = 13;
    /** Arrival tick of the latest record << 32 | sampling rate: eviction compares the arrival, the rate rides along. */
    static final int ARRIVAL_RATE = 14;
    static final int STRIDE = 15;

    private static final long SEEN_AB = 1L << 60;
    private static final long SEEN_BA = 1L << 61;
    private static final long FIRST_IS_BA = 1L << 62;
    private static final int SHIFT_EXPORTER = 53;
    private static final long TICK_MS = 100;
    private static final long SWEEP_MS = 1000;
    private static final int EVICTION_SAMPLE = 8;

    private final FlowTable table;
    private final FlowSink sink;
    private final IntFunction<byte[]> exporterAddress;
    private final CommunityId communityId = new CommunityId();
    private final long idleMs;
    private final long activeMs;
    private final long waitMs;
    private final long lingerMs;
    private long epoch = Long.MIN_VALUE;
    private long nowMs;
    private long nextSweep;
    private long records;
    private long flowsExported;
    private long flowsEvicted;
    // The last derived TCP state and history (see tcp), fields rather than a result object: no allocation per flow.
    private long derivedState;
    private long derivedHistory;
    /**
     * TCP outcomes already derived, by their inputs ({@link #tcpKey}): direct-mapped, a slot holding the last key that
     * hashed to it. Two flag unions and four facts about the counters allow a few hundred combinations in practice,
     * so deriving (the segments played through the state machine, the letters, conn_state) is done once for each
     * instead of for every flow; a collision only costs deriving again.
     */
    private final int[] tcpKeys = new int[TCP_SLOTS];
    private final ConnState[] tcpConnStates = new ConnState[TCP_SLOTS];
    private final String[] tcpTexts = new String[TCP_SLOTS];
    private static final int TCP_SLOTS = 1024;
    /** The source of the last flow emitted: flows from one exporter at one rate share it (it is immutable). */
    private MeteredFlow.Source lastSource;

    /**
     * @param meter           the meter's idle and active timeouts, close linger and table size apply to stitching too
     * @param stitchWait      how long a lone direction waits for its reverse
     * @param exporterAddress the address bytes of an exporter index ({@link FlowRecord#exporter})
     */
    public FlowStitcher(MeterConfig meter, Duration stitchWait, FlowSink sink, IntFunction<byte[]> exporterAddress) {
        this.table = new FlowTable(meter.maxFlows(), STRIDE);
        this.sink = sink;
        this.wire = sink instanceof FlowSink.Wire w ? w : null;
        this.exporterAddress = exporterAddress;
        this.idleMs = meter.idleTimeout().toMillis();
        this.activeMs = meter.activeTimeout().toMillis();
        this.waitMs = stitchWait.toMillis();
        this.lingerMs = meter.closeLinger().toMillis();
        java.util.Arrays.fill(tcpKeys, -1);
    }

    public int activeFlows() {
        return table.size();
    }

    /** Bytes of the table's arrays, allocated up front for the meter's max-flows. */
    public long tableBytes() {
        return table.footprintBytes();
    }

    public int capacity() {
        return table.capacity;
    }

    public long records() {
        return records;
    }

    public long flowsExported() {
        return flowsExported;
    }

    public long flowsEvicted() {
        return flowsEvicted;
    }

    /**
     * Takes a datagram's decoded records that arrived at wall time {@code arrivalMs}, exactly as {@link #record}
     * one after the other would. First each record's table entry is read without using it ({@link FlowTable#touch}),
     * so that the cache misses of the whole batch overlap: a collector at full rate holds every flow of the last
     * second or so (lone directions wait for their reverse, stitched ones linger), far more than the CPU's caches,
     * and a lookup that waits for memory alone took longer than the rest of a record's stitching.
     */
    public void records(FlowRecord[] batch, int count, long arrivalMs) {
        if (batchHashes.length < count) {
            batchHashes = new int[count];
            batchSlots = new int[count];
            batchMetas = new long[count];
            batchSrcIsA = new boolean[count];
        }
        int[] hashes = batchHashes;
        int[] slots = batchSlots;
        long[] metas = batchMetas;
        boolean[] srcIsA = batchSrcIsA;
        // Three short loops, so that each one's loads are independent of each other and all in flight at once: the
        // hashes (arithmetic only), the index slots, then the records those slots name and the free ones to be taken.
        // The keys' meta and orientation are kept for record(), which would work them out again.
        for (int i = 0; i < count; i++) {
            hashes[i] = keyHash(batch[i]);
            metas[i] = keyHashMeta;
            srcIsA[i] = keyHashSrcIsA;
        }
        for (int i = 0; i < count; i++) {
            slots[i] = table.touch(hashes[i]);
        }
        long touched = 0;
        for (int i = 0; i < count; i++) {
            touched += table.touchRecord(slots[i] - 1);
            int free = table.nextFree(i);
            if (free >= 0) {
                touched += table.touchRecord(free);
            }
        }
        this.touched += touched;
        for (int i = 0; i < count; i++) {
            record(batch[i], arrivalMs, hashes[i], metas[i], srcIsA[i]);
        }
    }

    private int[] batchHashes = new int[0];
    private int[] batchSlots = new int[0];
    private long[] batchMetas = new long[0];
    private boolean[] batchSrcIsA = new boolean[0];
    /** The key's meta and orientation from the last {@link #keyHash}: fields, so that it returns only the hash. */
    private long keyHashMeta;
    private boolean keyHashSrcIsA;

    /** Sum of what {@link #records} read ahead: kept so that the reads are not optimised away. */
    private long touched;

    /**
     * The table hash of {@code f}'s key: A the smaller endpoint, and the meta (ports, protocol, IP version, exporter),
     * both left in {@link #keyHashSrcIsA} and {@link #keyHashMeta}.
     */
    private int keyHash(FlowRecord f) {
        long ports = keyPorts(f);
        int sp = (int) (ports >>> 32);
        int dp = (int) ports;
        boolean srcIsA = FlowMeter.before(f.srcHi, f.srcLo, sp, f.dstHi, f.dstLo, dp);
        long meta = keyMeta(f, sp, dp, srcIsA);
        keyHashSrcIsA = srcIsA;
        keyHashMeta = meta;
        return srcIsA ? FlowTable.hash(f.srcHi, f.srcLo, f.dstHi, f.dstLo, meta)
                : FlowTable.hash(f.dstHi, f.dstLo, f.srcHi, f.srcLo, meta);
    }

    /** The key's two "ports", source << 32 | destination: ICMP keyed as the meter keys it, 0 without ports. */
    private static long keyPorts(FlowRecord f) {
        int proto = f.protocol;
        if (proto == 1 || proto == 58) {
            // Keyed as the meter keys ICMP: an echo and its reply share (type, counterpart), so they stitch.
            int type = f.icmpTypeCode < 0 ? 0 : (f.icmpTypeCode >>> 8) & 0xff;
            int code = f.icmpTypeCode < 0 ? 0 : f.icmpTypeCode & 0xff;
            int counterpart = IcmpTypes.counterpart(proto, type);
            return (long) type << 32 | ((counterpart == IcmpTypes.NONE ? code : counterpart) & 0xffff_ffffL);
        }
        if (proto == 6 || proto == 17) {
            return (long) f.srcPort << 32 | (f.dstPort & 0xffff_ffffL);
        }
        return 0;
    }

    private static long keyMeta(FlowRecord f, int sp, int dp, boolean srcIsA) {
        return (long) (srcIsA ? sp : dp) | (long) (srcIsA ? dp : sp) << 16 | (long) f.protocol << 32
                | (f.ipVersion == 6 ? 1L << 52 : 0L) | (long) f.exporter << SHIFT_EXPORTER;
    }

    /** Takes one decoded record that arrived at wall time {@code arrivalMs}. */
    public void record(FlowRecord f, long arrivalMs) {
        int h = keyHash(f);
        record(f, arrivalMs, h, keyHashMeta, keyHashSrcIsA);
    }

    /** {@link #record} with the key worked out ({@link #keyHash}: its hash, meta and orientation), as a batch has it. */
    private void record(FlowRecord f, long arrivalMs, int h, long meta, boolean srcIsA) {
        advance(arrivalMs);
        records++;
        long aHi = srcIsA ? f.srcHi : f.dstHi;
        long aLo = srcIsA ? f.srcLo : f.dstLo;
        long bHi = srcIsA ? f.dstHi : f.srcHi;
        long bLo = srcIsA ? f.dstLo : f.srcLo;
        int r = table.find(h, aHi, aLo, bHi, bLo, meta);
        if (r >= 0) {
            MeteredFlow.ExportReason apart = apart(r * STRIDE, f, srcIsA);
            if (apart != null) {
                finish(r, apart, h);
                r = -1;
            }
        }
        if (r < 0) {
            if (table.isFull()) {
                flowsEvicted++;
                finish(table.leastRecent(EVICTION_SAMPLE, ARRIVAL_RATE), MeteredFlow.ExportReason.EVICTED);
            }
            r = table.insert(h, aHi, aLo, bHi, bLo, meta);
            table.slab[r * STRIDE + MISC] = srcIsA ? 0 : FIRST_IS_BA;
        }
        int base = r * STRIDE;
        add(base, srcIsA, f.startMs, f.endMs, f.packets, f.bytes, f.tcpFlags, f.icmpTypeCode, f.vlan);
        if (f.hasReverse) {
            add(base, !srcIsA, f.startMs, f.endMs, f.reversePackets, f.reverseBytes, f.reverseTcpFlags, -1, f.vlan);
        }
        long[] s = table.slab;
        long rate = Math.max(s[base + ARRIVAL_RATE] & 0xffff_ffffL, f.samplingRate);
        s[base + ARRIVAL_RATE] = tick(arrivalMs) << 32 | rate;
        long wait = waitMs;
        if ((s[base + MISC] & (SEEN_AB | SEEN_BA)) == (SEEN_AB | SEEN_BA)) {
            if (finished(base)) {
                // A finished TCP connection in both directions: no record of it can follow, so it leaves now, which
                // keeps the table to the flows still waiting.
                finish(r, MeteredFlow.ExportReason.END, h);
                return;
            }
            // Both directions are in, but an exporter may cut one connection into several records sent together
            // (nfdump's per-echo ICMP records, a file rotation): the close linger gathers them.
            wait = lingerMs;
        }
        table.deadline[r] = (int) Math.min(Integer.MAX_VALUE - 1, tick(arrivalMs + wait + TICK_MS - 1));
    }

    /** Why a record cannot join the flow held for its key (it then starts a new one), or null when it can. */
    private MeteredFlow.ExportReason apart(int base, FlowRecord f, boolean dirAB) {
        long[] s = table.slab;
        long misc = s[base + MISC];
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        if ((misc & SEEN_AB) != 0) {
            first = s[base + AB_FIRST];
            last = s[base + AB_LAST];
        }
        if ((misc & SEEN_BA) != 0) {
            first = Math.min(first, s[base + BA_FIRST]);
            last = Math.max(last, s[base + BA_LAST]);
        }
        if (f.startMs > last + idleMs || f.endMs + idleMs < first) {
            return MeteredFlow.ExportReason.IDLE;
        }
        boolean seen = (misc & (dirAB ? SEEN_AB : SEEN_BA)) != 0;
        if (seen && Math.max(last, f.endMs) - Math.min(first, f.startMs) > activeMs) {
            return MeteredFlow.ExportReason.ACTIVE;
        }
        return null;
    }

    private void add(int base, boolean dirAB, long first, long last, long pkts, long bytes, int flags, int icmp,
                     int vlan) {
        long[] s = table.slab;
        int off = dirAB ? AB_FIRST : BA_FIRST;
        long misc = s[base + MISC];
        long seenBit = dirAB ? SEEN_AB : SEEN_BA;
        if ((misc & seenBit) == 0) {
            s[base + off] = first;
            s[base + off + 1] = last;
            if (icmp >= 0) {
                misc |= (long) (icmp & 0xffff) << (dirAB ? 16 : 32);
            }
            misc |= seenBit;
        } else {
            s[base + off] = Math.min(s[base + off], first);
            s[base + off + 1] = Math.max(s[base + off + 1], last);
        }
        s[base + off + 2] += pkts;
        s[base + off + 3] += bytes;
        misc |= (long) (flags & 0xff) << (dirAB ? 0 : 8);
        if (((misc >>> 48) & 0xfff) == 0) {
            misc |= (long) (vlan & 0xfff) << 48;
        }
        s[base + MISC] = misc;
    }

    /** Lets wall time move on without records, so lone directions leave after the stitch wait. */
    public void advance(long arrivalMs) {
        if (epoch == Long.MIN_VALUE) {
            epoch = arrivalMs - TICK_MS;
            nowMs = arrivalMs;
            nextSweep = arrivalMs + SWEEP_MS;
        }
        if (arrivalMs > nowMs) {
            nowMs = arrivalMs;
            if (arrivalMs >= nextSweep) {
                sweep();
                nextSweep = arrivalMs + SWEEP_MS;
            }
        }
    }

    private long tick(long ms) {
        return Math.max(0, (ms - epoch) / TICK_MS);
    }

    /**
     * Exports the flows whose deadline has passed, in record order. They are gathered a batch at a time and their
     * index slots read first ({@link FlowTable#touch}): removing each then finds its slot in the cache instead of
     * waiting for memory once per flow (the records themselves are read in order, which the CPU prefetches).
     */
    private void sweep() {
        long now = tick(nowMs);
        int[] deadline = table.deadline;
        int[] due = sweepBatch;
        int n = 0;
        for (int r = 0; r < table.highWater(); r++) {
            int d = deadline[r];
            if (d != FREE && d <= now) {
                due[n++] = r;
                if (n == due.length) {
                    expire(due, n);
                    n = 0;
                }
            }
        }
        expire(due, n);
    }

    private final int[] sweepBatch = new int[32];
    private final int[] sweepHashes = new int[32];

    private void expire(int[] due, int n) {
        // As in records: one loop reads the records (their keys give the hashes), the next their index slots.
        int[] hashes = sweepHashes;
        long touched = 0;
        for (int i = 0; i < n; i++) {
            touched += table.touchRecord(due[i]);
            hashes[i] = table.hashOf(due[i]);
        }
        for (int i = 0; i < n; i++) {
            touched += table.touch(hashes[i]);
        }
        this.touched += touched;
        for (int i = 0; i < n; i++) {
            int r = due[i];
            finish(r, finished(r * STRIDE) ? MeteredFlow.ExportReason.END : MeteredFlow.ExportReason.IDLE, hashes[i]);
        }
    }

    /** Exports every held flow (shutdown). */
    public void flush() {
        for (int r = 0; r < table.highWater(); r++) {
            if (table.deadline[r] != FREE) {
                finish(r, MeteredFlow.ExportReason.FLUSH);
            }
        }
    }

    private boolean finished(int base) {
        long[] s = table.slab;
        if (((s[base + META] >>> 32) & 0xff) != 6) {
            return false;
        }
        int ab = (int) (s[base + MISC] & 0xff);
        int ba = (int) ((s[base + MISC] >>> 8) & 0xff);
        return ((ab | ba) & FlowState.RST) != 0 || ((ab & ba) & FlowState.FIN) != 0;
    }

    private void finish(int r, MeteredFlow.ExportReason reason) {
        finish(r, reason, table.hashOf(r));
    }

    /** {@link #finish} of a record whose key hash the caller has at hand (the table would hash the key again). */
    private void finish(int r, MeteredFlow.ExportReason reason, int hash) {
        emit(r * STRIDE, reason);
        table.remove(r, hash);
    }

    private void emit(int base, MeteredFlow.ExportReason reason) {
        long[] s = table.slab;
        long meta = s[base + META];
        long misc = s[base + MISC];
        int ipVersion = (meta & (1L << 52)) != 0 ? 6 : 4;
        int proto = (int) ((meta >>> 32) & 0xff);
        int portA = (int) (meta & 0xffff);
        int portB = (int) ((meta >>> 16) & 0xffff);
        int exporter = (int) (meta >>> SHIFT_EXPORTER);
        boolean seenAB = (misc & SEEN_AB) != 0;
        boolean seenBA = (misc & SEEN_BA) != 0;
        int flagsAB = (int) (misc & 0xff);
        int flagsBA = (int) ((misc >>> 8) & 0xff);
        int icmpAB = (int) ((misc >>> 16) & 0xffff);
        int icmpBA = (int) ((misc >>> 32) & 0xffff);
        boolean origIsA = originatorIsA(proto, seenAB, seenBA, flagsAB, flagsBA, icmpAB, icmpBA,
                s[base + AB_FIRST], s[base + BA_FIRST], portA, portB, (misc & FIRST_IS_BA) == 0);
        int o = origIsA ? AB_FIRST : BA_FIRST;
        int p = origIsA ? BA_FIRST : AB_FIRST;
        boolean origSeen = origIsA ? seenAB : seenBA;
        boolean respSeen = origIsA ? seenBA : seenAB;
        long origPkts = s[base + o + 2];
        long origBytes = s[base + o + 3];
        long respPkts = s[base + p + 2];
        long respBytes = s[base + p + 3];
        int origFlags = origIsA ? flagsAB : flagsBA;
        int respFlags = origIsA ? flagsBA : flagsAB;
        long start = Math.min(origSeen ? s[base + o] : Long.MAX_VALUE, respSeen ? s[base + p] : Long.MAX_VALUE);
        long end = Math.max(origSeen ? s[base + o + 1] : Long.MIN_VALUE, respSeen ? s[base + p + 1] : Long.MIN_VALUE);
        boolean icmp = proto == 1 || proto == 58;
        int icmpTypeCode = icmp ? (origSeen ? (origIsA ? icmpAB : icmpBA) : (origIsA ? icmpBA : icmpAB)) : 0;
        ConnState connState;
        String historyText;
        if (proto == 6) {
            boolean oData = carriedData(6, ipVersion, origPkts, origBytes, origFlags);
            boolean rData = carriedData(6, ipVersion, respPkts, respBytes, respFlags);
            int key = tcpKey(origFlags, respFlags, origPkts, respPkts, oData, rData);
            int slot = (key * 0x9E3779B1) >>> (32 - Integer.numberOfTrailingZeros(TCP_SLOTS));
            if (tcpKeys[slot] != key) {
                tcp(origFlags, respFlags, origPkts, respPkts, oData, rData);
                // conn_state of a TCP flow depends on the derived state and history only (no ICMP reply here).
                tcpConnStates[slot] = ConnStates.of(6, derivedState, derivedHistory, origPkts, respPkts, 0, ipVersion);
                tcpTexts[slot] = historyText(derivedHistory);
                tcpKeys[slot] = key;
            }
            connState = tcpConnStates[slot];
            historyText = tcpTexts[slot];
        } else {
            long history = 0;
            if (proto == 17 && carriedData(17, ipVersion, origPkts, origBytes, 0)) {
                history = History.add(history, History.DATA, true);
            }
            if (proto == 17 && carriedData(17, ipVersion, respPkts, respBytes, 0)) {
                history = History.add(history, History.DATA, false);
            }
            connState = ConnStates.of(proto, 0, history, origPkts, respPkts, 0, ipVersion);
            historyText = historyText(history);
        }
        boolean ports = proto == 6 || proto == 17;
        int origPort = ports ? (origIsA ? portA : portB) : 0;
        int respPort = ports ? (origIsA ? portB : portA) : 0;
        int icmpType = icmpTypeCode >>> 8;
        int icmpCode = icmpTypeCode & 0xff;
        long aHi = s[base + A_HI];
        long aLo = s[base + A_LO];
        long bHi = s[base + B_HI];
        long bLo = s[base + B_LO];
        long origHi = origIsA ? aHi : bHi;
        long origLo = origIsA ? aLo : bLo;
        long respHi = origIsA ? bHi : aHi;
        long respLo = origIsA ? bLo : aLo;
        int rate = (int) Math.max(1, s[base + ARRIVAL_RATE] & 0xffff_ffffL);
        flowsExported++;
        if (wire != null) {
            // The bytes toByteArray would give for the flow below, written straight from these values.
            byte[] origAddr = address(ipVersion == 4 ? orig4 : orig16, origHi, origLo);
            byte[] respAddr = address(ipVersion == 4 ? resp4 : resp16, respHi, respLo);
            byte[] exporterAddr = exporterAddress.apply(exporter);
            byte[] out = wireBytes;
            int bound = FlowProtos.bound(origAddr.length, historyText, CommunityId.TEXT_LENGTH, exporterAddr.length);
            if (out.length < bound) {
                out = wireBytes = new byte[bound];
            }
            int w = FlowProtos.head(out, 0, start * 1000, end * 1000, ipVersion, origAddr, respAddr, origPort,
                    respPort, proto, icmp ? icmpType : 0, icmp ? icmpCode : 0, origPkts, origBytes, respPkts,
                    respBytes, proto == 6 ? origFlags : 0, proto == 6 ? respFlags : 0, connState.getNumber(),
                    historyText, (int) ((misc >>> 48) & 0xfff));
            w = FlowProtos.ascii(out, w, communityId.text(ipVersion, origHi, origLo, respHi, respLo, proto,
                    icmp ? icmpType : origPort, icmp ? icmpCode : respPort), CommunityId.TEXT_LENGTH);
            w = FlowProtos.tail(out, w, 0, null, exporterAddr, rate);
            wire.acceptWire(out, w);
            return;
        }
        String cid = communityId.of(ipVersion, origHi, origLo, respHi, respLo, proto, icmp ? icmpType : origPort,
                icmp ? icmpCode : respPort);
        byte[] orig = FlowMeter.address(ipVersion, origHi, origLo);
        byte[] resp = FlowMeter.address(ipVersion, respHi, respLo);
        sink.accept(new MeteredFlow(start * 1000, end * 1000, ipVersion, orig, resp, origPort, respPort, proto,
                icmp ? icmpType : 0, icmp ? icmpCode : 0, origPkts, origBytes, respPkts, respBytes,
                proto == 6 ? origFlags : 0, proto == 6 ? respFlags : 0,
                connState, historyText,
                (int) ((misc >>> 48) & 0xfff), cid, 0, reason, null,
                source(exporterAddress.apply(exporter), rate)));
    }

    /** The sink as a {@link FlowSink.Wire}, when it is one: flows are then written as their wire bytes. */
    private final FlowSink.Wire wire;
    private byte[] wireBytes = new byte[512];
    private final byte[] orig4 = new byte[4];
    private final byte[] resp4 = new byte[4];
    private final byte[] orig16 = new byte[16];
    private final byte[] resp16 = new byte[16];

    /** An address's bytes, as {@link FlowMeter#address} makes them, into a reused array of the version's length. */
    private static byte[] address(byte[] into, long hi, long lo) {
        if (into.length == 4) {
            INT.set(into, 0, (int) lo);
        } else {
            LONG.set(into, 0, hi);
            LONG.set(into, 8, lo);
        }
        return into;
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private MeteredFlow.Source source(byte[] exporter, int rate) {
        MeteredFlow.Source last = lastSource;
        if (last == null || last.exporter() != exporter || last.samplingRate() != rate) {
            last = new MeteredFlow.Source(exporter, rate);
            lastSource = last;
        }
        return last;
    }

    /**
     * The letters of a derived history. Records allow only a few hundred combinations, so each string is made once
     * instead of once per flow, and kept in a direct-mapped cache as the TCP outcomes are: a map keyed by the history
     * boxed a {@code Long} for every non-TCP flow, and its lookup cost more than the rest of such a flow's state.
     */
    private String historyText(long history) {
        int slot = (int) ((history * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(HISTORY_SLOTS)));
        String text = historyTexts[slot];
        if (text == null || historyKeys[slot] != history) {
            text = History.toString(history);
            historyTexts[slot] = text;
            historyKeys[slot] = history;
        }
        return text;
    }

    private static final int HISTORY_SLOTS = 256;
    private final long[] historyKeys = new long[HISTORY_SLOTS];
    private final String[] historyTexts = new String[HISTORY_SLOTS];

    /**
     * Which side initiated, from what each direction's record says. TCP first: the side that sent a SYN without an
     * ACK; else, of two sides one of which sent a SYN (with ACK), the other (the receiver of a SYN-ACK is the
     * purported originator, as in Zeek and the packet meter); else the side that only answered with a bare reset is
     * the responder. ICMP: the side that sent the request. Then the earlier first packet, then the service port
     * (below 1024 against one above; below 32768 against an ephemeral one), then the first record received.
     * A lone direction is its sender's, except a SYN-ACK with no data sent from a service port (backscatter).
     */
    static boolean originatorIsA(int proto, boolean seenAB, boolean seenBA, int flagsAB, int flagsBA, int icmpAB,
                                 int icmpBA, long firstAB, long firstBA, int portA, int portB, boolean firstIsAB) {
        int service = servicePortSide(portA, portB);
        if (!seenAB || !seenBA) {
            boolean sentByA = seenAB;
            int flags = sentByA ? flagsAB : flagsBA;
            if (proto == 6 && synAck(flags) && (service == (sentByA ? 1 : 2)
                    || service == 0 && (flags & (FlowState.FIN | PSH)) == 0)) {
                return !sentByA;
            }
            return sentByA;
        }
        if (proto == 6) {
            boolean synOnlyA = (flagsAB & (FlowState.SYN | FlowState.ACK)) == FlowState.SYN;
            boolean synOnlyB = (flagsBA & (FlowState.SYN | FlowState.ACK)) == FlowState.SYN;
            if (synOnlyA != synOnlyB) {
                return synOnlyA;
            }
            boolean synA = (flagsAB & FlowState.SYN) != 0;
            boolean synB = (flagsBA & FlowState.SYN) != 0;
            if (synA != synB) {
                return synB;
            }
            boolean resetOnlyA = bareReset(flagsAB);
            boolean resetOnlyB = bareReset(flagsBA);
            if (resetOnlyA != resetOnlyB && ((resetOnlyA ? flagsBA : flagsAB) & FlowState.RST) == 0) {
                return resetOnlyB;
            }
        } else if (proto == 1 || proto == 58) {
            boolean reqA = IcmpTypes.isRequest(proto, icmpAB >>> 8);
            boolean reqB = IcmpTypes.isRequest(proto, icmpBA >>> 8);
            if (reqA != reqB) {
                return reqA;
            }
        }
        if (firstAB != firstBA) {
            return firstAB < firstBA;
        }
        if (service != 0 && (proto == 6 || proto == 17)) {
            return service == 2;
        }
        return firstIsAB;
    }

    private static final int PSH = 0x08;
    private static final int URG = 0x20;

    private static boolean synAck(int flags) {
        return (flags & (FlowState.SYN | FlowState.ACK)) == (FlowState.SYN | FlowState.ACK);
    }

    private static boolean bareReset(int flags) {
        return (flags & FlowState.RST) != 0 && (flags & ~(FlowState.RST | FlowState.ACK)) == 0;
    }

    /** 1 when A's port is the service, 2 when B's, 0 when the ports do not say. */
    static int servicePortSide(int portA, int portB) {
        if (portA == portB) {
            return 0;
        }
        int low = Math.min(portA, portB);
        int high = Math.max(portA, portB);
        if ((low < 1024 && high >= 1024) || (low < 32768 && high >= 32768)) {
            return low == portA ? 1 : 2;
        }
        return 0;
    }

    /**
     * Whether a direction carried payload, from its counters: a PSH or URG flag, or more bytes than header-only
     * packets can hold (IP and TCP headers are 60 bytes at most each; UDP's header is 8 after IP's 20 or 40).
     */
    static boolean carriedData(int proto, int ipVersion, long pkts, long bytes, int flags) {
        if (pkts <= 0) {
            return false;
        }
        if (proto == 6) {
            return (flags & (PSH | URG)) != 0 || bytes > pkts * 120;
        }
        return bytes > pkts * (ipVersion == 6 ? 48 : 28);
    }

    /**
     * Zeek's endpoint states and history letters for a TCP flow known only by its two flag unions: the segments
     * those unions imply are played in the order of an ordinary connection (handshake, acknowledgements and data,
     * FINs, resets; the originator first at each step) through the packet meter's own state machine, so conn_state
     * follows the same rules. What a union cannot tell (how often, in which order) the order supplies.
     */
    void tcp(int o, int r, long oPkts, long rPkts, boolean oData, boolean rData) {
        derivedState = 0;
        derivedHistory = 0;
        if ((o & FlowState.SYN) != 0) {
            play(true, FlowState.SYN, 0);
        }
        if ((r & FlowState.SYN) != 0) {
            play(false, FlowState.SYN | (r & FlowState.ACK), 0);
        }
        if (pureAck(o, oPkts, true)) {
            play(true, FlowState.ACK, 0);
        }
        if (oData) {
            play(true, (o & FlowState.ACK) | PSH, 1);
        }
        if (pureAck(r, rPkts, false)) {
            play(false, FlowState.ACK, 0);
        }
        if (rData) {
            play(false, (r & FlowState.ACK) | PSH, 1);
        }
        if ((o & FlowState.FIN) != 0) {
            play(true, FlowState.FIN | (o & FlowState.ACK), 0);
        }
        if ((r & FlowState.FIN) != 0) {
            play(false, FlowState.FIN | (r & FlowState.ACK), 0);
        }
        if ((o & FlowState.RST) != 0) {
            play(true, FlowState.RST | (o & FlowState.ACK), 0);
        }
        if ((r & FlowState.RST) != 0) {
            play(false, FlowState.RST | (r & FlowState.ACK), 0);
        }
    }

    /**
     * All that {@link #tcp} reads, in 20 bits: the two flag unions, whether each side sent a pure ACK and whether each
     * carried data. Equal keys derive equal states and histories.
     */
    static int tcpKey(int o, int r, long oPkts, long rPkts, boolean oData, boolean rData) {
        return (o & 0xff) | (r & 0xff) << 8 | (pureAck(o, oPkts, true) ? 1 << 16 : 0) | (oData ? 1 << 17 : 0)
                | (pureAck(r, rPkts, false) ? 1 << 18 : 0) | (rData ? 1 << 19 : 0);
    }

    /**
     * Whether a direction sent a pure ACK: it sent more packets than its SYN, FIN and RST account for, and they are
     * not just those repeated. A responder that only ever sent SYN-ACKs or resets was retransmitting its answer (to a
     * retried SYN, or as backscatter); an originator's SYN with ACK is a handshake completed.
     */
    private static boolean pureAck(int flags, long pkts, boolean originator) {
        if ((flags & FlowState.ACK) == 0 || pkts <= Integer.bitCount(flags & (FlowState.SYN | FlowState.FIN | FlowState.RST))) {
            return false;
        }
        int control = flags & ~FlowState.ACK;
        return !(control == FlowState.RST || (!originator && control == FlowState.SYN));
    }

    private void play(boolean fromOrig, int flags, int payload) {
        derivedState = FlowState.tcp(derivedState, fromOrig, flags);
        derivedHistory = History.tcp(derivedHistory, fromOrig, flags, payload);
    }
}
