package io.vigil.sensor.meter;

import io.vigil.sensor.decode.DecodedPacket;

import static io.vigil.sensor.meter.FlowTable.A_HI;
import static io.vigil.sensor.meter.FlowTable.A_LO;
import static io.vigil.sensor.meter.FlowTable.B_HI;
import static io.vigil.sensor.meter.FlowTable.B_LO;
import static io.vigil.sensor.meter.FlowTable.EXTRA;
import static io.vigil.sensor.meter.FlowTable.FIRST;
import static io.vigil.sensor.meter.FlowTable.FREE;
import static io.vigil.sensor.meter.FlowTable.HISTORY;
import static io.vigil.sensor.meter.FlowTable.LAST;
import static io.vigil.sensor.meter.FlowTable.META;
import static io.vigil.sensor.meter.FlowTable.ORIG_BYTES;
import static io.vigil.sensor.meter.FlowTable.ORIG_PKTS;
import static io.vigil.sensor.meter.FlowTable.RESP_BYTES;
import static io.vigil.sensor.meter.FlowTable.RESP_PKTS;
import static io.vigil.sensor.meter.FlowTable.STATE;
import static io.vigil.sensor.meter.FlowTable.STRIDE;

/**
 * Turns decoded packets into bidirectional flows: keys them, decides who initiated, keeps Zeek-style state and
 * history, ties ICMP errors to the flow they answer, and hands flows to a {@link FlowSink} when they end or time out.
 *
 * <p>Time is packet time throughout, so a replay is deterministic whatever the machine's speed. Not thread-safe:
 * one meter per capture thread. DESIGN.md explains the rules.
 */
public final class FlowMeter {

    /** Timeouts are checked this often (packet time); the attempt timeout plus this bounds how late an S0 leaves. */
    public static final java.time.Duration SWEEP_INTERVAL = java.time.Duration.ofSeconds(1);
    /** Deadlines are kept in ticks of this many µs, so they fit an int for years. */
    private static final long TICK = 100_000;
    private static final int EVICTION_SAMPLE = 8;
    private static final long LOW32 = 0xffff_ffffL;

    private final FlowTable table;
    private final FlowSink sink;
    private final CommunityId communityId = new CommunityId();
    private final MeterCounters counters = new MeterCounters();
    private final long idle;
    private final long active;
    private final long attempt;
    private final long linger;
    private final long sweepEvery;
    private final boolean vlanInKey;
    private final MeterConfig config;

    private long epoch = Long.MIN_VALUE;
    private long clock = Long.MIN_VALUE;
    private long nextSweep;

    public FlowMeter(MeterConfig config, FlowSink sink) {
        this.table = new FlowTable(config.maxFlows());
        this.sink = sink;
        this.idle = micros(config.idleTimeout());
        this.active = micros(config.activeTimeout());
        this.attempt = micros(config.attemptTimeout());
        this.linger = micros(config.closeLinger());
        this.sweepEvery = micros(SWEEP_INTERVAL);
        this.vlanInKey = config.vlanInKey();
        this.config = config;
    }

    public MeterConfig config() {
        return config;
    }

    private static long micros(java.time.Duration d) {
        return d.toNanos() / 1000;
    }

    public MeterCounters counters() {
        return counters;
    }

    public int activeFlows() {
        return table.size();
    }

    /** Bytes of the flow table's arrays, allocated up front for {@code maxFlows}. */
    public long tableBytes() {
        return table.footprintBytes();
    }

    public int capacity() {
        return table.capacity;
    }

    /** Meters one decoded IP packet seen at {@code ts} (µs since the epoch). */
    public void packet(long ts, DecodedPacket p) {
        advance(ts);
        counters.packets++;
        counters.bytes += p.ipLength;
        int proto = p.protocol;
        if (p.quotes && matchIcmpError(p)) {
            return;
        }
        int sp;
        int dp;
        if (!p.hasTransport) {
            sp = 0;
            dp = 0;
        } else if (proto == 1 || proto == 58) {
            int counterpart = IcmpTypes.counterpart(proto, p.srcPort);
            sp = p.srcPort;
            dp = counterpart == IcmpTypes.NONE ? p.dstPort : counterpart;
        } else {
            sp = p.srcPort;
            dp = p.dstPort;
        }
        boolean srcIsA = before(p.srcHi, p.srcLo, sp, p.dstHi, p.dstLo, dp);
        long aHi = srcIsA ? p.srcHi : p.dstHi;
        long aLo = srcIsA ? p.srcLo : p.dstLo;
        long bHi = srcIsA ? p.dstHi : p.srcHi;
        long bLo = srcIsA ? p.dstLo : p.srcLo;
        long meta = (long) (srcIsA ? sp : dp) | (long) (srcIsA ? dp : sp) << 16 | (long) proto << 32
                | (vlanInKey ? (long) p.vlan << 40 : 0L) | (p.ipVersion == 6 ? 1L << 52 : 0L);
        int h = FlowTable.hash(aHi, aLo, bHi, bLo, meta);
        int r = table.find(h, aHi, aLo, bHi, bLo, meta);
        if (r < 0) {
            if (table.isFull()) {
                evictOne();
            }
            r = table.insert(h, aHi, aLo, bHi, bLo, meta);
            counters.flowsCreated++;
            begin(r, srcIsA, p, ts);
        }
        update(r, srcIsA, p, ts);
    }

    /** Exports every flow in the table (end of a capture, or shutdown). */
    public void flush() {
        for (int r = 0; r < table.highWater(); r++) {
            if (table.deadline[r] != FREE) {
                finish(r, MeteredFlow.ExportReason.FLUSH);
            }
        }
    }

    /** Lets packet time move on without a packet, so an idle capture still exports its attempts. */
    public void advance(long ts) {
        if (epoch == Long.MIN_VALUE) {
            epoch = ts - TICK;
            clock = ts;
            nextSweep = ts + sweepEvery;
        }
        if (ts > clock) {
            clock = ts;
            if (ts >= nextSweep) {
                sweep();
                nextSweep = ts + sweepEvery;
            }
        }
    }

    /** (hi, lo, port) order of two endpoints: the smaller one is side A of the key. */
    static boolean before(long xHi, long xLo, int xPort, long yHi, long yLo, int yPort) {
        if (xHi != yHi) {
            return Long.compareUnsigned(xHi, yHi) < 0;
        }
        if (xLo != yLo) {
            return Long.compareUnsigned(xLo, yLo) < 0;
        }
        return xPort <= yPort;
    }

    private void begin(int r, boolean srcIsA, DecodedPacket p, long ts) {
        long[] s = table.slab;
        int base = r * STRIDE;
        boolean senderIsOrig = true;
        if (p.protocol == 6 && p.hasTransport && (p.tcpFlags & FlowState.SYN) != 0 && (p.tcpFlags & FlowState.ACK) != 0
                && (p.tcpFlags & (FlowState.RST | FlowState.FIN)) == 0) {
            // A SYN-ACK first: its receiver is the purported initiator, as in Zeek; backscatter thus shows its victim
            // as responder, and RSTRH/SHR can happen at all.
            senderIsOrig = false;
        }
        boolean origIsA = srcIsA == senderIsOrig;
        s[base + STATE] = origIsA ? FlowState.ORIG_IS_A : 0L;
        s[base + FIRST] = ts;
        s[base + LAST] = ts;
        long extra = (long) p.vlan << 32;
        if ((p.protocol == 1 || p.protocol == 58) && p.hasTransport) {
            extra |= (long) p.srcPort << 16 | (long) p.dstPort << 24;
        }
        s[base + EXTRA] = extra;
    }

    private void update(int r, boolean srcIsA, DecodedPacket p, long ts) {
        long[] s = table.slab;
        int base = r * STRIDE;
        long state = s[base + STATE];
        boolean fromOrig = srcIsA == FlowState.origIsA(state);
        if (fromOrig) {
            s[base + ORIG_PKTS]++;
            s[base + ORIG_BYTES] += p.ipLength;
        } else {
            s[base + RESP_PKTS]++;
            s[base + RESP_BYTES] += p.ipLength;
        }
        if (s[base + FIRST] == 0 || ts < s[base + FIRST]) {
            s[base + FIRST] = ts;
        }
        if (ts > s[base + LAST]) {
            s[base + LAST] = ts;
        }
        if (p.protocol == 6 && p.hasTransport) {
            s[base + STATE] = FlowState.tcp(state, fromOrig, p.tcpFlags);
            s[base + HISTORY] = History.tcp(s[base + HISTORY], fromOrig, p.tcpFlags, p.payloadLength);
        } else if (p.protocol == 17 && p.payloadLength > 0) {
            s[base + HISTORY] = History.add(s[base + HISTORY], History.DATA, fromOrig);
        }
        table.deadline[r] = deadlineOf(base);
    }

    private int deadlineOf(int base) {
        long due = inactivityDue(base);
        long first = table.slab[base + FIRST];
        if (first != 0) {
            due = Math.min(due, first + active);
        }
        long ticks = (due - epoch + TICK - 1) / TICK;
        return (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, ticks));
    }

    /** When the flow ends for lack of packets: soon once finished or unanswered, after the idle timeout otherwise. */
    private long inactivityDue(int base) {
        long[] s = table.slab;
        long last = s[base + LAST];
        if (finishedOrRejected(base)) {
            return last + linger;
        }
        int proto = (int) ((s[base + META] >>> 32) & 0xff);
        if (proto == 6) {
            return FlowState.tcpAttempt(s[base + STATE]) ? last + attempt : last + idle;
        }
        return s[base + RESP_PKTS] == 0 ? last + attempt : last + idle;
    }

    /**
     * Records an ICMP error on the flow whose packet it quotes. The quoted packet went from the flow's originator
     * (usually) to its responder; the error itself is not counted as a packet of that flow, only noted in icmp_reply,
     * so packet counts stay those of the 5-tuple (as argus and nfdump count them).
     */
    private boolean matchIcmpError(DecodedPacket p) {
        int proto = p.quotedProtocol;
        int r = findQuoted(p.quotedSrcHi, p.quotedSrcLo, p.quotedDstHi, p.quotedDstLo, p);
        if (r < 0 && (proto == 6 || proto == 17)) {
            // The answering host may sit behind NAT (or the capture was anonymised): its error then quotes addresses
            // the sensor never saw. The error travels back from the probed host to the prober, so its own addresses
            // name the flow; the quoted ports keep this specific. Not done for quoted ICMP, whose key has no ports.
            r = findQuoted(p.dstHi, p.dstLo, p.srcHi, p.srcLo, p);
        }
        if (r < 0) {
            return false;
        }
        int base = r * STRIDE;
        long extra = table.slab[base + EXTRA];
        if ((extra & 0xffff) == 0) {
            // The first error is what rejected the attempt; later ones (retries answered the same way) add nothing.
            table.slab[base + EXTRA] = extra | ((long) p.srcPort << 8) | p.dstPort;
        }
        counters.icmpErrorsMatched++;
        table.deadline[r] = deadlineOf(base);
        return true;
    }

    private int findQuoted(long srcHi, long srcLo, long dstHi, long dstLo, DecodedPacket p) {
        int proto = p.quotedProtocol;
        int sp = p.quotedSrcPort;
        int dp = p.quotedDstPort;
        if (proto == 1 || proto == 58) {
            int counterpart = IcmpTypes.counterpart(proto, sp);
            dp = counterpart == IcmpTypes.NONE ? dp : counterpart;
        } else if (proto != 6 && proto != 17) {
            sp = 0;
            dp = 0;
        }
        boolean srcIsA = before(srcHi, srcLo, sp, dstHi, dstLo, dp);
        long aHi = srcIsA ? srcHi : dstHi;
        long aLo = srcIsA ? srcLo : dstLo;
        long bHi = srcIsA ? dstHi : srcHi;
        long bLo = srcIsA ? dstLo : srcLo;
        long meta = (long) (srcIsA ? sp : dp) | (long) (srcIsA ? dp : sp) << 16 | (long) proto << 32
                | (vlanInKey ? (long) p.vlan << 40 : 0L) | (p.quotedVersion == 6 ? 1L << 52 : 0L);
        return table.find(FlowTable.hash(aHi, aLo, bHi, bLo, meta), aHi, aLo, bHi, bLo, meta);
    }

    private void sweep() {
        int now = (int) Math.min(Integer.MAX_VALUE - 1, (clock - epoch) / TICK);
        int[] deadline = table.deadline;
        int n = table.highWater();
        for (int r = 0; r < n; r++) {
            int d = deadline[r];
            if (d != FREE && d <= now) {
                expire(r);
            }
        }
    }

    private void expire(int r) {
        long[] s = table.slab;
        int base = r * STRIDE;
        if (s[base + ORIG_PKTS] == 0 && s[base + RESP_PKTS] == 0) {
            // A continuation record that never saw another packet.
            table.remove(r);
            return;
        }
        if (finishedOrRejected(base)) {
            finish(r, MeteredFlow.ExportReason.END);
        } else if (inactivityDue(base) <= clock) {
            finish(r, MeteredFlow.ExportReason.IDLE);
        } else if (s[base + FIRST] + active <= clock) {
            emit(r, MeteredFlow.ExportReason.ACTIVE);
            // Keep the key, orientation and endpoint states so the next slice continues the same connection.
            s[base + ORIG_PKTS] = 0;
            s[base + RESP_PKTS] = 0;
            s[base + ORIG_BYTES] = 0;
            s[base + RESP_BYTES] = 0;
            s[base + HISTORY] = 0;
            s[base + STATE] = FlowState.continuation(s[base + STATE]);
            s[base + EXTRA] &= ~0xffffL;
            s[base + FIRST] = 0;
            table.deadline[r] = deadlineOf(base);
        } else {
            table.deadline[r] = deadlineOf(base);
        }
    }

    private boolean finishedOrRejected(int base) {
        long[] s = table.slab;
        int proto = (int) ((s[base + META] >>> 32) & 0xff);
        return (proto == 6 && FlowState.tcpFinished(s[base + STATE]))
                || ((s[base + EXTRA] & 0xffff) != 0 && s[base + RESP_PKTS] == 0);
    }

    private void finish(int r, MeteredFlow.ExportReason reason) {
        int base = r * STRIDE;
        if (table.slab[base + ORIG_PKTS] != 0 || table.slab[base + RESP_PKTS] != 0) {
            emit(r, reason);
        }
        table.remove(r);
    }

    /** Table full: exports the least recently active of a few records, so memory stays bounded and nothing is lost. */
    private void evictOne() {
        counters.flowsEvicted++;
        finish(table.leastRecent(EVICTION_SAMPLE, LAST), MeteredFlow.ExportReason.EVICTED);
    }

    private void emit(int r, MeteredFlow.ExportReason reason) {
        long[] s = table.slab;
        int base = r * STRIDE;
        long meta = s[base + META];
        long state = s[base + STATE];
        boolean origIsA = FlowState.origIsA(state);
        int ipVersion = (meta & (1L << 52)) != 0 ? 6 : 4;
        int proto = (int) ((meta >>> 32) & 0xff);
        int portA = (int) (meta & 0xffff);
        int portB = (int) ((meta >>> 16) & 0xffff);
        int vlan = (int) ((s[base + EXTRA] >>> 32) & 0xfff);
        byte[] a = address(ipVersion, s[base + A_HI], s[base + A_LO]);
        byte[] b = address(ipVersion, s[base + B_HI], s[base + B_LO]);
        byte[] orig = origIsA ? a : b;
        byte[] resp = origIsA ? b : a;
        long extra = s[base + EXTRA];
        int icmpReply = (int) (extra & 0xffff);
        boolean icmp = proto == 1 || proto == 58;
        boolean ports = proto == 6 || proto == 17;
        int icmpType = icmp ? (int) ((extra >>> 16) & 0xff) : 0;
        int icmpCode = icmp ? (int) ((extra >>> 24) & 0xff) : 0;
        int origPort = ports ? (origIsA ? portA : portB) : 0;
        int respPort = ports ? (origIsA ? portB : portA) : 0;
        long history = s[base + HISTORY];
        long aHi = s[base + A_HI];
        long aLo = s[base + A_LO];
        long bHi = s[base + B_HI];
        long bLo = s[base + B_LO];
        String cid = communityId.of(ipVersion, origIsA ? aHi : bHi, origIsA ? aLo : bLo, origIsA ? bHi : aHi,
                origIsA ? bLo : aLo, proto, icmp ? icmpType : origPort, icmp ? icmpCode : respPort);
        counters.flowsExported++;
        sink.accept(new MeteredFlow(s[base + FIRST], s[base + LAST], ipVersion, orig, resp, origPort, respPort, proto,
                icmpType, icmpCode, s[base + ORIG_PKTS], s[base + ORIG_BYTES], s[base + RESP_PKTS],
                s[base + RESP_BYTES], proto == 6 ? FlowState.origFlags(state) : 0,
                proto == 6 ? FlowState.respFlags(state) : 0,
                ConnStates.of(proto, state, history, s[base + ORIG_PKTS], s[base + RESP_PKTS], icmpReply, ipVersion),
                History.toString(history), vlan, cid, icmpReply, reason));
    }

    static byte[] address(int version, long hi, long lo) {
        if (version == 4) {
            int v = (int) (lo & LOW32);
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return out;
    }
}
