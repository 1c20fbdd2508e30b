package io.vigil.sensor.meter;

import io.vigil.sensor.decode.DecodedPacket;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Reassembles IPv4 and IPv6 fragments into whole datagrams before metering, so a TCP header split over fragments
 * ({@code nmap -f}) is read from the reassembled bytes and the datagram is metered as one packet.
 *
 * <p>Bounded: at most {@link DefragConfig#maxDatagrams()} datagrams and {@link DefragConfig#maxBytes()} bytes are
 * held, the oldest evicted first, and each is dropped {@link DefragConfig#timeout()} after its first fragment. Overlaps
 * are resolved by the {@link OverlapPolicy} and counted, as Zeek and Suricata report them. Only fragments allocate;
 * the unfragmented path never calls in here except for {@link #nextDeadline()}. Not thread-safe: one per capture
 * thread, like the meter. DESIGN.md ("Fragments") explains the choices.
 */
public final class Defragmenter {

    /**
     * Fragments one datagram may take. Laying a fragment over the held pieces costs time linear in their number, so
     * without a bound a flood of 8-byte fragments of one 64 KiB datagram would cost quadratic time. Honest senders stay
     * far below it: a 64 KiB datagram is 45 fragments at a 1,500-byte MTU, 117 at IPv4's 576, and nmap -f cuts a probe
     * into three.
     */
    static final int MAX_FRAGMENTS = 512;
    /** Bookkeeping charged per datagram on top of its buffers: the object, its key and the map entry, roughly. */
    static final int DATAGRAM_OVERHEAD = 112;
    /**
     * Ints per held piece: own start, own end, captured end, the start and end of the fragment it came from, and
     * that fragment's arrival number within its datagram.
     */
    private static final int PIECE = 6;
    private static final int OWN_START = 0;
    private static final int OWN_END = 1;
    private static final int CAPTURED_END = 2;
    private static final int FRAG_START = 3;
    private static final int FRAG_END = 4;
    private static final int ARRIVAL = 5;

    private final long timeoutMicros;
    private final int maxDatagrams;
    private final long maxBytes;
    private final OverlapPolicy policy;
    private final MeterCounters counters;
    /** In order of each datagram's first fragment: the head is both the oldest and the next to expire. */
    private final LinkedHashMap<Key, Datagram> pending = new LinkedHashMap<>();
    private long heldBytes;
    private long nextDeadline = Long.MAX_VALUE;
    private int[] scratch = new int[PIECE * 16];
    private byte[] out;

    public Defragmenter(DefragConfig config, MeterCounters counters) {
        this.timeoutMicros = config.timeout().toNanos() / 1000;
        this.maxDatagrams = config.maxDatagrams();
        this.maxBytes = config.maxBytes();
        this.policy = config.policy();
        this.counters = counters;
    }

    /** Packet time (µs) at which the oldest datagram times out; {@link Long#MAX_VALUE} when none is pending. */
    public long nextDeadline() {
        return nextDeadline;
    }

    /** Datagrams being reassembled. */
    public int pending() {
        return pending.size();
    }

    /** Bytes charged to the datagrams being reassembled (what {@link DefragConfig#maxBytes()} bounds). */
    public long heldBytes() {
        return heldBytes;
    }

    /** The last reassembled datagram, valid until the next call to {@link #add}; its length is what add returned. */
    public byte[] datagram() {
        return out;
    }

    /** Drops, counted as timed out, every datagram whose first fragment came a timeout or more before {@code now}. */
    public void expire(long now) {
        Iterator<Datagram> it = pending.values().iterator();
        while (it.hasNext()) {
            Datagram d = it.next();
            if (d.created + timeoutMicros > now) {
                nextDeadline = d.created + timeoutMicros;
                return;
            }
            it.remove();
            heldBytes -= d.charged;
            counters.fragDatagramsTimedOut++;
        }
        nextDeadline = Long.MAX_VALUE;
    }

    /** End of capture: whatever is still incomplete will never complete, and counts as timed out. */
    public void clear() {
        counters.fragDatagramsTimedOut += pending.size();
        pending.clear();
        heldBytes = 0;
        nextDeadline = Long.MAX_VALUE;
    }

    /**
     * Takes one fragment that the decoder reported as {@code FRAGMENT} (its {@code frag*} fields point into
     * {@code frame}). Returns the length of the whole datagram, now in {@link #datagram()} as raw IP bytes (fragment
     * fields cleared), when this fragment completed it; 0 otherwise.
     */
    public int add(long ts, byte[] frame, DecodedPacket p) {
        counters.fragments++;
        int start = p.fragOffset;
        int end = start + p.fragDataLength;
        int unfragmentable = p.ipVersion == 4 ? p.fragHeaderLength : p.fragHeaderLength - 40;
        Key key = new Key(p.srcHi, p.srcLo, p.dstHi, p.dstLo, p.fragId,
                p.ipVersion == 4 ? p.protocol | 4 << 8 : 6 << 8, p.vlan);
        Datagram d = pending.get(key);
        if ((long) unfragmentable + end > DefragConfig.MAX_DATAGRAM) {
            // Reassembly would exceed the largest datagram IP can describe (the "ping of death").
            drop(key, d);
            counters.fragDatagramsTooLarge++;
            return 0;
        }
        if (p.fragMore && (p.fragDataLength == 0 || (p.fragDataLength & 7) != 0)) {
            // Every fragment but the last carries a multiple of 8 bytes (RFC 791, RFC 8200).
            drop(key, d);
            counters.fragDatagramsBadLength++;
            return 0;
        }
        if (d != null && d.arrivals >= MAX_FRAGMENTS) {
            drop(key, d);
            counters.fragDatagramsTooFragmented++;
            return 0;
        }
        if (d == null) {
            if (pending.size() >= maxDatagrams) {
                evictOldest();
            }
            d = new Datagram(ts);
            pending.put(key, d);
            d.charged = DATAGRAM_OVERHEAD + 4L * d.pieces.length;
            heldBytes += d.charged;
            if (nextDeadline == Long.MAX_VALUE) {
                nextDeadline = ts + timeoutMicros;
            }
        }
        if (!p.fragMore) {
            if ((d.end >= 0 && d.end != end) || d.highestEnd() > end) {
                drop(key, d);
                counters.fragDatagramsBadLength++;
                return 0;
            }
            d.end = end;
        } else if (d.end >= 0 && end > d.end) {
            drop(key, d);
            counters.fragDatagramsBadLength++;
            return 0;
        }
        if (start == 0 && d.header == null) {
            // The first fragment's header (IPv4 options, IPv6's unfragmentable part) heads the reassembled datagram.
            d.header = Arrays.copyOfRange(frame, p.fragIpStart, p.fragIpStart + p.fragHeaderLength);
            d.nextHeaderAt = p.fragNextHeaderAt < 0 ? -1 : p.fragNextHeaderAt - p.fragIpStart;
            d.nextHeader = p.protocol;
        }
        insert(d, start, end, start + Math.min(p.fragDataCaptured, p.fragDataLength), frame, p.fragDataStart);
        charge(d);
        if (heldBytes > maxBytes) {
            makeRoom(d);
            if (!pending.containsKey(key)) {
                return 0;
            }
        }
        if (!d.complete()) {
            return 0;
        }
        pending.remove(key);
        heldBytes -= d.charged;
        if (pending.isEmpty()) {
            nextDeadline = Long.MAX_VALUE;
        }
        counters.fragDatagramsReassembled++;
        return build(d);
    }

    /**
     * Lays the fragment [start, end) over the pieces already held, keeping the pieces sorted and disjoint. Where they
     * overlap, the policy picks the winner byte range by byte range; the overlap is counted once per fragment, and as
     * inconsistent when captured bytes on both sides differ.
     */
    private void insert(Datagram d, int start, int end, int capturedEnd, byte[] frame, int dataStart) {
        int[] held = d.pieces;
        int n = d.count;
        if (scratch.length < (n * 2 + 2) * PIECE) {
            scratch = new int[(n * 2 + 2) * PIECE];
        }
        int[] res = scratch;
        int arrival = ++d.arrivals;
        int m = 0;
        int pos = start;
        boolean overlap = false;
        boolean differs = false;
        for (int i = 0; i < n; i++) {
            int b = i * PIECE;
            int eStart = held[b + OWN_START];
            int eEnd = held[b + OWN_END];
            if (eEnd <= start || eStart >= end) {
                if (eStart >= end && pos < end) {
                    m = own(res, m, pos, end, capturedEnd, start, end, arrival);
                    pos = end;
                }
                m = copy(res, m, held, b, eStart, eEnd);
                continue;
            }
            int from = Math.max(eStart, start);
            int to = Math.min(eEnd, end);
            if (pos < from) {
                m = own(res, m, pos, from, capturedEnd, start, end, arrival);
            }
            overlap = true;
            int bothCaptured = Math.min(to, Math.min(held[b + CAPTURED_END], capturedEnd));
            if (bothCaptured > from && !Arrays.equals(d.data, from, bothCaptured,
                    frame, dataStart + from - start, dataStart + bothCaptured - start)) {
                differs = true;
            }
            if (policy.newWins(start, end, held[b + FRAG_START], held[b + FRAG_END])) {
                if (eStart < from) {
                    m = copy(res, m, held, b, eStart, from);
                }
                m = own(res, m, from, to, capturedEnd, start, end, arrival);
                if (to < eEnd) {
                    m = copy(res, m, held, b, to, eEnd);
                }
            } else {
                m = copy(res, m, held, b, eStart, eEnd);
            }
            pos = Math.max(pos, to);
        }
        if (pos < end) {
            m = own(res, m, pos, end, capturedEnd, start, end, arrival);
        }
        if (overlap) {
            counters.fragOverlaps++;
            if (differs) {
                counters.fragOverlapsInconsistent++;
            }
        }
        // Copy the new fragment's captured bytes into the ranges it owns now.
        for (int i = 0; i < m; i += PIECE) {
            if (res[i + ARRIVAL] == arrival) {
                int to = Math.min(res[i + OWN_END], capturedEnd);
                if (to > res[i + OWN_START]) {
                    d.ensureData(to);
                    System.arraycopy(frame, dataStart + res[i + OWN_START] - start, d.data, res[i + OWN_START],
                            to - res[i + OWN_START]);
                }
            }
        }
        if (d.pieces.length < m) {
            d.pieces = new int[Math.max(m, d.pieces.length * 2)];
        }
        System.arraycopy(res, 0, d.pieces, 0, m);
        d.count = m / PIECE;
    }

    /** Appends a range owned by the new fragment, merged with the previous one when that is the new fragment's too. */
    private static int own(int[] res, int m, int from, int to, int capturedEnd, int fragStart, int fragEnd,
                           int arrival) {
        if (m > 0 && res[m - PIECE + OWN_END] == from && res[m - PIECE + ARRIVAL] == arrival) {
            res[m - PIECE + OWN_END] = to;
            return m;
        }
        res[m + OWN_START] = from;
        res[m + OWN_END] = to;
        res[m + CAPTURED_END] = capturedEnd;
        res[m + FRAG_START] = fragStart;
        res[m + FRAG_END] = fragEnd;
        res[m + ARRIVAL] = arrival;
        return m + PIECE;
    }

    private static int copy(int[] res, int m, int[] held, int b, int from, int to) {
        res[m + OWN_START] = from;
        res[m + OWN_END] = to;
        res[m + CAPTURED_END] = held[b + CAPTURED_END];
        res[m + FRAG_START] = held[b + FRAG_START];
        res[m + FRAG_END] = held[b + FRAG_END];
        res[m + ARRIVAL] = held[b + ARRIVAL];
        return m + PIECE;
    }

    /** Writes the whole datagram into {@link #out}: first fragment's header, fixed up, then the data. */
    private int build(Datagram d) {
        int h = d.header.length;
        int total = h + d.end;
        if (out == null) {
            out = new byte[DefragConfig.MAX_DATAGRAM + 64];
        }
        System.arraycopy(d.header, 0, out, 0, h);
        int have = d.data == null ? 0 : Math.min(d.data.length, d.end);
        if (have > 0) {
            System.arraycopy(d.data, 0, out, h, have);
        }
        // Bytes the snaplen cut off were never held: zeros stand in for them, as the IP lengths still count them.
        Arrays.fill(out, h + have, total, (byte) 0);
        if (d.nextHeaderAt < 0) {
            out[2] = (byte) (total >>> 8);
            out[3] = (byte) total;
            out[6] &= 0x40; // keep DF; clear MF and the offset
            out[7] = 0;
        } else {
            int payload = total - 40;
            out[4] = (byte) (payload >>> 8);
            out[5] = (byte) payload;
            out[d.nextHeaderAt] = (byte) d.nextHeader;
        }
        return total;
    }

    private void charge(Datagram d) {
        long now = DATAGRAM_OVERHEAD + 4L * d.pieces.length + (d.data == null ? 0 : d.data.length)
                + (d.header == null ? 0 : d.header.length);
        heldBytes += now - d.charged;
        d.charged = now;
    }

    private void drop(Key key, Datagram d) {
        if (d != null) {
            pending.remove(key);
            heldBytes -= d.charged;
        }
    }

    private void evictOldest() {
        Iterator<Datagram> it = pending.values().iterator();
        Datagram oldest = it.next();
        it.remove();
        heldBytes -= oldest.charged;
        counters.fragDatagramsEvicted++;
    }

    /** Evicts the oldest datagrams until the bytes fit; {@code keep} goes last, and only if it alone is too big. */
    private void makeRoom(Datagram keep) {
        Iterator<Datagram> it = pending.values().iterator();
        while (heldBytes > maxBytes && it.hasNext()) {
            Datagram d = it.next();
            if (d == keep) {
                continue;
            }
            it.remove();
            heldBytes -= d.charged;
            counters.fragDatagramsEvicted++;
        }
        if (heldBytes > maxBytes) {
            pending.values().remove(keep);
            heldBytes -= keep.charged;
            counters.fragDatagramsEvicted++;
        }
        if (pending.isEmpty()) {
            nextDeadline = Long.MAX_VALUE;
        }
    }

    /** The RFC 791 / RFC 8200 reassembly key, plus the VLAN. {@code kind}: IPv4 protocol | 4 << 8, or 6 << 8. */
    private record Key(long srcHi, long srcLo, long dstHi, long dstLo, int id, int kind, int vlan) {
    }

    /** One datagram being reassembled. */
    private static final class Datagram {
        final long created;
        long charged;
        /** The data length, known once the last fragment (MF clear) has arrived; -1 until then. */
        int end = -1;
        byte[] header;
        int nextHeaderAt = -1;
        int nextHeader;
        /** Captured bytes by offset in the datagram's data; grown as fragments arrive. */
        byte[] data;
        /** Sorted, disjoint pieces of {@link #PIECE} ints each. */
        int[] pieces = new int[PIECE * 4];
        int count;
        /** Fragments taken so far: numbers each one, so its own pieces can be told from an identical earlier copy. */
        int arrivals;

        Datagram(long created) {
            this.created = created;
        }

        int highestEnd() {
            return count == 0 ? 0 : pieces[(count - 1) * PIECE + OWN_END];
        }

        boolean complete() {
            if (header == null || end < 0 || count == 0 || pieces[OWN_START] != 0 || highestEnd() != end) {
                return false;
            }
            for (int i = 1; i < count; i++) {
                if (pieces[i * PIECE + OWN_START] != pieces[(i - 1) * PIECE + OWN_END]) {
                    return false;
                }
            }
            return true;
        }

        void ensureData(int size) {
            if (data == null) {
                data = new byte[Math.max(64, Integer.highestOneBit(size - 1) << 1)];
            } else if (data.length < size) {
                data = Arrays.copyOf(data, Math.min(DefragConfig.MAX_DATAGRAM, Math.max(size, data.length * 2)));
            }
        }
    }
}
