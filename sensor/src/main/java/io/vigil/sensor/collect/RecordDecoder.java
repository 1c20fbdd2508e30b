package io.vigil.sensor.collect;

import org.jboss.logging.Logger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Reads NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) datagrams into {@link FlowRecord}s: headers, template
 * and options template sets, data sets, sampling announcements and the exporters' clocks. Every read is checked
 * against the datagram's end; a datagram or set that does not add up is counted and logged with its exporter, and
 * the rest of the datagram (or the next one) goes on. Not thread-safe: one decoder per collector thread.
 */
public final class RecordDecoder {

    private static final Logger LOG = Logger.getLogger(RecordDecoder.class);

    /** Where decoded records go. The record is reused for the next one: copy what must outlive the call. */
    @FunctionalInterface
    public interface RecordSink {
        void record(FlowRecord record);

        /**
         * Records {@code 0..count-1} of {@code batch}, in the order they were decoded, all of one datagram; they too are
         * reused once this returns. One at a time unless a sink can use seeing several before taking the first (the
         * collector's stitcher starts fetching their table entries from memory at once).
         */
        default void records(FlowRecord[] batch, int count) {
            for (int i = 0; i < count; i++) {
                record(batch[i]);
            }
        }
    }

    /** Records decoded before the sink gets them: a NetFlow v9 or IPFIX datagram of 1,400-odd bytes holds about 30. */
    static final int BATCH = 32;

    /** Thrown at the first field that does not fit; carries no stack trace, as bad input is not a bug here. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static final int V5_HEADER = 24;
    static final int V5_RECORD = 48;
    static final int V9_HEADER = 20;
    static final int IPFIX_HEADER = 16;
    /** Seconds from the NTP epoch (1900) to the Unix epoch, for IPFIX's dateTimeMicro/Nanoseconds. */
    private static final long NTP_UNIX_OFFSET = 2_208_988_800L;
    private static final long V4_MAPPED_LO = 0x0000_ffff_0000_0000L;
    /** Sampling rates above this are taken for garbage (a rate of 2^24 would make one packet 16 M). */
    private static final long MAX_RATE = 1 << 24;

    private final Exporters exporters;
    private final RecordSink sink;
    private final int defaultRate;
    private final FlowRecord[] batch = new FlowRecord[BATCH];
    private int batched;
    /** The record being decoded: {@code batch[batched]}. */
    private FlowRecord rec;
    private long nowMs;
    private Exporters.Exporter exporter;
    private Source source;
    private int dataRecords;
    /** Where the value of the field {@link #fieldLength} just measured starts. */
    private int fieldStart;
    private int optionsRecords;
    /**
     * Records of the current datagram and the last one's rate, published to the exporter's counters once the datagram
     * is read: those are volatile (status threads read them), and a volatile write is a full store fence on x86, which
     * per record cost more than a record's stitching waits on.
     */
    private int datagramRecords;
    private int lastRate;

    // Per-record fields that need the whole record before they mean something.
    private long startUp;
    private long endUp;
    private long startAbs;
    private long endAbs;
    private long startDeltaUs;
    private long endDeltaUs;
    private long recordInit;
    private long rateInterval;
    private long rateSpace;
    private long rateSize;
    private long ratePopulation;
    private double rateProbability;
    private long samplerId;
    private long ingress;
    private long altPackets;
    private long altBytes;
    private long totalPackets;
    private long totalBytes;
    private int icmpType;
    private int icmpCode;
    private int biflowDirection;
    private int scopeKind;
    private long scopeValue;

    public RecordDecoder(Exporters exporters, int defaultRate, RecordSink sink) {
        this.exporters = exporters;
        this.defaultRate = defaultRate;
        this.sink = sink;
        for (int i = 0; i < BATCH; i++) {
            batch[i] = new FlowRecord();
        }
        rec = batch[0];
    }

    /** Decodes one datagram received from {@code from} at wall time {@code nowMs}. Never throws on bad input. */
    public void datagram(InetAddress from, byte[] b, int length, long nowMs) {
        this.nowMs = nowMs;
        Exporters.Exporter e = exporters.exporter(from, nowMs);
        if (e == null) {
            return;
        }
        exporter = e;
        source = null;
        e.datagrams++;
        datagramRecords = 0;
        try {
            if (length < 4) {
                throw new Malformed(length + " bytes is shorter than any NetFlow or IPFIX header");
            }
            int version = u16(b, 0);
            switch (version) {
                case 5 -> v5(b, length);
                case 9 -> v9(b, length);
                case 10 -> ipfix(b, length);
                default -> throw new Malformed("version " + version + " is not NetFlow v5, v9 or IPFIX (10)");
            }
        } catch (Malformed m) {
            exporters.malformed(e, source, m.getMessage(), nowMs);
        } finally {
            // The datagram's records decoded before any bad set or field are delivered as they always were.
            deliver();
            if (datagramRecords > 0) {
                e.records += datagramRecords;
                e.samplingRate = lastRate;
            }
        }
    }

    // ---- NetFlow v5 ------------------------------------------------------------------------------------------------

    private void v5(byte[] b, int length) throws Malformed {
        if (length < V5_HEADER) {
            throw new Malformed("a NetFlow v5 header is 24 bytes, the datagram " + length);
        }
        int count = u16(b, 2);
        if (count == 0 || length < V5_HEADER + count * V5_RECORD) {
            throw new Malformed("the NetFlow v5 header announces " + count + " records, the datagram holds "
                    + (length - V5_HEADER) / V5_RECORD);
        }
        long uptime = u32(b, 4);
        long exportMs = u32(b, 8) * 1000 + u32(b, 12) / 1_000_000;
        source = exporters.source(exporter, 5, u16(b, 20), nowMs);
        track(source.sequence(u32(b, 16), uptime, count, count));
        int sampling = u16(b, 22);
        // Top two bits: the mode (01 = one in N, deterministic); the other 14: N. Zero means unsampled.
        int interval = sampling & 0x3fff;
        source.defaultRate = (sampling >>> 14) != 0 && interval > 1 ? interval : 0;
        for (int i = 0, p = V5_HEADER; i < count; i++, p += V5_RECORD) {
            rec.reset();
            rec.ipVersion = 4;
            rec.srcHi = 0;
            rec.srcLo = V4_MAPPED_LO | u32(b, p);
            rec.dstLo = V4_MAPPED_LO | u32(b, p + 4);
            rec.packets = u32(b, p + 16);
            rec.bytes = u32(b, p + 20);
            long first = sinceUptime(exportMs, uptime, u32(b, p + 24));
            long last = sinceUptime(exportMs, uptime, u32(b, p + 28));
            rec.startMs = Math.min(first, last);
            rec.endMs = Math.max(first, last);
            rec.srcPort = u16(b, p + 32);
            rec.dstPort = u16(b, p + 34);
            rec.tcpFlags = b[p + 37] & 0xff;
            rec.protocol = b[p + 38] & 0xff;
            if (rec.protocol == 1) {
                // v5 has no ICMP fields: exporters put (type << 8) | code in the destination port.
                rec.icmpTypeCode = rec.dstPort;
            }
            emit(source.rate(0, -1, -1));
        }
    }

    // ---- NetFlow v9 ------------------------------------------------------------------------------------------------

    private void v9(byte[] b, int length) throws Malformed {
        if (length < V9_HEADER) {
            throw new Malformed("a NetFlow v9 header is 20 bytes, the datagram " + length);
        }
        long uptime = u32(b, 4);
        long exportMs = u32(b, 8) * 1000;
        source = exporters.source(exporter, 9, u32(b, 16), nowMs);
        track(source.sequence(u32(b, 12), uptime, 1, 1));
        sets(b, V9_HEADER, length, exportMs, uptime);
    }

    // ---- IPFIX -----------------------------------------------------------------------------------------------------

    private void ipfix(byte[] b, int length) throws Malformed {
        if (length < IPFIX_HEADER) {
            throw new Malformed("an IPFIX message header is 16 bytes, the datagram " + length);
        }
        int messageLength = u16(b, 2);
        if (messageLength < IPFIX_HEADER || messageLength > length) {
            throw new Malformed("the IPFIX header says the message is " + messageLength + " bytes, the datagram is "
                    + length);
        }
        long exportMs = u32(b, 4) * 1000;
        source = exporters.source(exporter, 10, u32(b, 12), nowMs);
        long sequence = u32(b, 8);
        dataRecords = 0;
        optionsRecords = 0;
        sets(b, IPFIX_HEADER, messageLength, exportMs, -1);
        // The sequence counts data records, so it is checked once they are counted (RFC 7011 §3.1).
        track(source.sequence(sequence, -1, dataRecords, dataRecords - optionsRecords));
    }

    private void track(Source.Sequence outcome) {
        if (outcome == Source.Sequence.RESTART) {
            LOG.infof("%s restarted (its sequence number or uptime went back); its templates stay until it sends "
                    + "them again", source.describe());
        }
    }

    // ---- sets ------------------------------------------------------------------------------------------------------

    private void sets(byte[] b, int from, int end, long exportMs, long uptime) throws Malformed {
        boolean v9 = source.version == 9;
        int p = from;
        while (p + 4 <= end) {
            int id = u16(b, p);
            int len = u16(b, p + 2);
            if (len < 4 || p + len > end) {
                throw new Malformed("a set (id " + id + ") of " + len + " bytes at offset " + p + " does not fit the "
                        + end + "-byte message");
            }
            try {
                if (id == (v9 ? 0 : 2)) {
                    templates(b, p + 4, p + len, v9);
                } else if (id == (v9 ? 1 : 3)) {
                    optionsTemplates(b, p + 4, p + len, v9);
                } else if (id >= 256) {
                    data(b, id, p + 4, p + len, exportMs, uptime);
                }
                // Set IDs 2-255 (v9) and 0, 1, 4-255 (IPFIX) are reserved: skipped, as both RFCs say.
            } catch (Malformed m) {
                // One bad set costs that set: the sets around it may still be good.
                exporters.malformed(exporter, source, m.getMessage(), nowMs);
            }
            p += len;
        }
    }

    private void templates(byte[] b, int p, int end, boolean v9) throws Malformed {
        while (p + 4 <= end) {
            int id = u16(b, p);
            int fields = u16(b, p + 2);
            p += 4;
            if (fields == 0) {
                if (v9) {
                    throw new Malformed("template " + id + " has no fields");
                }
                // An IPFIX withdrawal. RFC 7011 §8.4 sends those only over SCTP and TCP, where a session says which
                // templates live; over UDP templates expire, so it is ignored, as IPFIXcol and others do.
                continue;
            }
            p = template(b, p, end, id, fields, 0, false, v9);
        }
    }

    private void optionsTemplates(byte[] b, int p, int end, boolean v9) throws Malformed {
        // v9: template id, scope length and option length in bytes; IPFIX: template id, field count, scope count.
        while (p + 6 <= end) {
            int id = u16(b, p);
            int scopes;
            int fields;
            if (v9) {
                int scopeBytes = u16(b, p + 2);
                int optionBytes = u16(b, p + 4);
                if (scopeBytes % 4 != 0 || optionBytes % 4 != 0 || scopeBytes == 0) {
                    throw new Malformed("options template " + id + ": scope length " + scopeBytes + " and option "
                            + "length " + optionBytes + " must be non-zero multiples of 4");
                }
                scopes = scopeBytes / 4;
                fields = scopes + optionBytes / 4;
            } else {
                fields = u16(b, p + 2);
                scopes = u16(b, p + 4);
                if (fields == 0) {
                    p += 6;
                    continue; // a withdrawal (see templates)
                }
                if (scopes == 0 || scopes > fields) {
                    throw new Malformed("options template " + id + ": scope field count " + scopes + " must be 1.."
                            + fields);
                }
            }
            p = template(b, p + 6, end, id, fields, scopes, true, v9);
            if (v9) {
                break; // RFC 3954 pads an options template flowset to 32 bits after its one template
            }
        }
    }

    private int template(byte[] b, int p, int end, int id, int fields, int scopes, boolean options, boolean v9)
            throws Malformed {
        if (id < 256) {
            throw new Malformed("template id " + id + " is below 256 (reserved for set ids)");
        }
        if (fields > Template.MAX_FIELDS) {
            exporters.templatesRejected++;
            throw new Malformed("template " + id + " has " + fields + " fields; " + Template.MAX_FIELDS
                    + " is the most a template may have here");
        }
        int[] types = new int[fields];
        int[] lengths = new int[fields];
        long[] enterprises = new long[fields];
        int total = 0;
        for (int i = 0; i < fields; i++) {
            if (p + 4 > end) {
                throw pastEnd("template " + id + " field " + (i + 1) + " of " + fields);
            }
            int type = u16(b, p);
            int len = u16(b, p + 2);
            p += 4;
            if (!v9 && (type & 0x8000) != 0) {
                if (p + 4 > end) {
                    throw pastEnd("template " + id + " field " + (i + 1) + "'s enterprise number");
                }
                enterprises[i] = u32(b, p);
                type &= 0x7fff;
                p += 4;
            }
            if (len == 0 || (v9 && len == Template.VARIABLE)) {
                throw new Malformed("template " + id + " field " + (i + 1) + " (type " + type + ") has length " + len);
            }
            types[i] = type;
            lengths[i] = len;
            total += len == Template.VARIABLE ? 1 : len;
        }
        if (total > 65535) {
            throw new Malformed("template " + id + "'s records would be " + total + " bytes long");
        }
        exporters.define(source, new Template(id, options, scopes, types, lengths, enterprises), nowMs);
        return p;
    }

    // ---- data ------------------------------------------------------------------------------------------------------

    private void data(byte[] b, int id, int p, int end, long exportMs, long uptime) throws Malformed {
        Template t = exporters.template(source, id, nowMs);
        if (t == null) {
            exporters.withoutTemplate(exporter, source, id, end - p, nowMs);
            return;
        }
        // Records follow each other; what is left when no whole record fits is padding (RFC 3954 §5.3, RFC 7011 §3.3.1).
        while (p + t.minRecordLength <= end) {
            if (t.options) {
                p = options(t, b, p, end);
                optionsRecords++;
            } else {
                p = record(t, b, p, end, exportMs, uptime);
            }
            dataRecords++;
        }
    }

    private int record(Template t, byte[] b, int p, int end, long exportMs, long uptime) throws Malformed {
        rec.reset();
        startUp = endUp = startAbs = endAbs = startDeltaUs = endDeltaUs = recordInit = -1;
        rateInterval = rateSpace = rateSize = ratePopulation = samplerId = ingress = -1;
        altPackets = altBytes = totalPackets = totalBytes = -1;
        icmpType = icmpCode = -1;
        rateProbability = 0;
        biflowDirection = 0;
        if (t.fixedLength >= 0) {
            // The loop in data() reads a record only while minRecordLength (here the record's length) remains, so
            // every field is within the set: no check per field.
            int[] codes = t.readCodes;
            int[] offsets = t.readOffsets;
            int[] lengths = t.readLengths;
            for (int k = 0; k < codes.length; k++) {
                field(codes[k], b, p + offsets[k], lengths[k]);
            }
            finish(exportMs, uptime);
            return p + t.fixedLength;
        }
        int[] codes = t.codes;
        for (int i = 0; i < codes.length; i++) {
            int len = fieldLength(t, i, b, p, end);
            p = fieldStart;
            if (codes[i] != 0) {
                field(codes[i], b, p, len);
            }
            p += len;
        }
        finish(exportMs, uptime);
        return p;
    }

    /** Information elements {@link #field} reads: a template's other fields are skipped without a look. */
    private static final java.util.BitSet READ = new java.util.BitSet();
    /** Reverse elements (RFC 5103) are read as this plus their number. */
    private static final int REVERSE = 100_000;

    static {
        for (int ie : new int[] {1, 2, 23, 24, 85, 86, 231, 298, 232, 299, 4, 6, 7, 11, 8, 12, 27, 28, 32, 139, 176,
            178, 177, 179, 58, 243, 10, 21, 22, 150, 151, 152, 153, 154, 156, 155, 157, 158, 159, 160, 239, 34, 50,
            305, 306, 309, 310, 311, 48, 302}) {
            READ.set(ie);
        }
    }

    /**
     * What the decoder does with each field of a template, worked out once when the template arrives: the element
     * number to read, {@link #REVERSE} plus it for a reverse element, 0 to skip.
     */
    static int[] codes(int[] types, long[] enterprises) {
        int[] codes = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            if (enterprises[i] == 0 && READ.get(types[i])) {
                codes[i] = types[i];
            } else if (enterprises[i] == Template.REVERSE_PEN && (types[i] == 1 || types[i] == 2 || types[i] == 6
                    || types[i] == 85 || types[i] == 86)) {
                codes[i] = REVERSE + types[i];
            }
        }
        return codes;
    }

    /** One field of a data record, by NetFlow v9 type / IANA information element (they coincide for these). */
    private void field(int code, byte[] b, int p, int len) {
        switch (code) {
            case 1 -> rec.bytes = num(b, p, len);               // octetDeltaCount, IN_BYTES
            case 2 -> rec.packets = num(b, p, len);             // packetDeltaCount, IN_PKTS
            case 23 -> altBytes = num(b, p, len);               // postOctetDeltaCount, OUT_BYTES
            case 24 -> altPackets = num(b, p, len);             // postPacketDeltaCount, OUT_PKTS
            case 85 -> totalBytes = num(b, p, len);             // octetTotalCount
            case 86 -> totalPackets = num(b, p, len);           // packetTotalCount
            case 231 -> rec.bytes = num(b, p, len);             // initiatorOctets (firewall sessions)
            case 298 -> rec.packets = num(b, p, len);           // initiatorPackets
            case 232 -> reverse(num(b, p, len), -1, 0);         // responderOctets
            case 299 -> reverse(-1, num(b, p, len), 0);         // responderPackets
            case 4 -> rec.protocol = (int) num(b, p, len);
            case 6 -> rec.tcpFlags = (int) (num(b, p, len) & 0xff); // 2 bytes in IPFIX since RFC 7125: ECN bits above
            case 7 -> rec.srcPort = (int) num(b, p, len);
            case 11 -> rec.dstPort = (int) num(b, p, len);
            case 8 -> ipv4(b, p, len, true);
            case 12 -> ipv4(b, p, len, false);
            case 27 -> ipv6(b, p, len, true);
            case 28 -> ipv6(b, p, len, false);
            case 32, 139 -> rec.icmpTypeCode = (int) (num(b, p, len) & 0xffff); // icmpTypeCodeIPv4/IPv6, ICMP_TYPE
            case 176, 178 -> icmpType = (int) num(b, p, len);
            case 177, 179 -> icmpCode = (int) num(b, p, len);
            case 58, 243 -> rec.vlan = (int) (num(b, p, len) & 0xfff); // vlanId / SRC_VLAN, dot1qVlanId
            case 10 -> ingress = num(b, p, len);                // ingressInterface, INPUT_SNMP
            case 21 -> endUp = num(b, p, len);                  // flowEndSysUpTime, LAST_SWITCHED
            case 22 -> startUp = num(b, p, len);                // flowStartSysUpTime, FIRST_SWITCHED
            case 150 -> startAbs = num(b, p, len) * 1000;       // flowStartSeconds
            case 151 -> endAbs = num(b, p, len) * 1000;
            case 152 -> startAbs = num(b, p, len);              // flowStartMilliseconds
            case 153 -> endAbs = num(b, p, len);
            case 154, 156 -> startAbs = ntpMillis(b, p, len);   // flowStartMicroseconds / Nanoseconds (NTP format)
            case 155, 157 -> endAbs = ntpMillis(b, p, len);
            case 158 -> startDeltaUs = num(b, p, len);          // flowStartDeltaMicroseconds
            case 159 -> endDeltaUs = num(b, p, len);
            case 160 -> recordInit = num(b, p, len);            // systemInitTimeMilliseconds
            case 239 -> biflowDirection = (int) num(b, p, len);
            // RFC 5103: reverse elements carry the other direction of a biflow in the same record; its other reverse
            // elements (times, TTLs...) add nothing the forward ones do not give.
            case REVERSE + 1, REVERSE + 85 -> reverse(num(b, p, len), -1, 0);
            case REVERSE + 2, REVERSE + 86 -> reverse(-1, num(b, p, len), 0);
            case REVERSE + 6 -> reverse(-1, -1, (int) (num(b, p, len) & 0xff));
            default -> sampling(code, b, p, len);
        }
    }

    private void reverse(long bytes, long packets, int flags) {
        rec.hasReverse = true;
        if (bytes >= 0) {
            rec.reverseBytes = bytes;
        }
        if (packets >= 0) {
            rec.reversePackets = packets;
        }
        rec.reverseTcpFlags |= flags;
    }

    /** Sampling information elements, in data records and options records alike. */
    private void sampling(int type, byte[] b, int p, int len) {
        switch (type) {
            case 34, 50 -> rateInterval = num(b, p, len);       // samplingInterval, samplerRandomInterval
            case 305 -> rateInterval = num(b, p, len);          // samplingPacketInterval: packets taken...
            case 306 -> rateSpace = num(b, p, len);             // samplingPacketSpace: ...then packets skipped
            case 309 -> rateSize = num(b, p, len);              // samplingSize (n of N)
            case 310 -> ratePopulation = num(b, p, len);        // samplingPopulation (N)
            case 311 -> rateProbability = len == 8 ? Double.longBitsToDouble(num(b, p, 8))
                    : len == 4 ? Float.intBitsToFloat((int) num(b, p, 4)) : 0;
            case 48, 302 -> samplerId = num(b, p, len);         // samplerId / FLOW_SAMPLER_ID, selectorId
            default -> {
                // not a sampling element: nothing to read
            }
        }
    }

    /** The rate the sampling fields of this record (or options record) describe, or 0 when they describe none. */
    private int announcedRate() {
        double rate = 0;
        if (rateSpace >= 0 && rateInterval > 0) {
            rate = (rateInterval + rateSpace) / (double) rateInterval;
        } else if (rateInterval > 0) {
            rate = rateInterval;
        } else if (rateSize > 0 && ratePopulation > 0) {
            rate = ratePopulation / (double) rateSize;
        } else if (rateProbability > 0 && rateProbability <= 1) {
            rate = 1 / rateProbability;
        }
        return rate < 1 ? 0 : (int) Math.min(MAX_RATE, Math.round(rate));
    }

    private void finish(long exportMs, long uptime) {
        if (rec.ipVersion == 0) {
            return; // no IP addresses (a layer-2 or MPLS-only template): nothing to meter
        }
        if (biflowDirection == 2) {
            swapDirections(); // RFC 5103 reverseInitiator: the record's source is the responder
        }
        if (rec.packets == 0 && rec.bytes == 0) {
            rec.packets = altPackets > 0 ? altPackets : Math.max(0, totalPackets);
            rec.bytes = altBytes > 0 ? altBytes : Math.max(0, totalBytes);
        }
        if (recordInit >= 0) {
            source.systemInitMs = recordInit;
        }
        times(exportMs, uptime);
        if (icmpType >= 0) {
            rec.icmpTypeCode = icmpType << 8 | Math.max(0, icmpCode);
        }
        if ((rec.protocol == 1 || rec.protocol == 58) && rec.icmpTypeCode < 0) {
            // Exporters without an ICMP field (v5, and v9/IPFIX ones following its habit) use the destination port.
            rec.icmpTypeCode = rec.dstPort;
        }
        emit(source.rate(announcedRate(), samplerId, ingress));
    }

    private void times(long exportMs, long uptime) {
        long start = startAbs;
        long end = endAbs;
        if (start < 0 && startUp >= 0) {
            start = fromUptime(exportMs, uptime, startUp);
        }
        if (end < 0 && endUp >= 0) {
            end = fromUptime(exportMs, uptime, endUp);
        }
        if (start < 0 && startDeltaUs >= 0) {
            start = exportMs - startDeltaUs / 1000;
        }
        if (end < 0 && endDeltaUs >= 0) {
            end = exportMs - endDeltaUs / 1000;
        }
        if (start < 0 && end < 0) {
            start = end = exportMs;
        } else if (start < 0) {
            start = end;
        } else if (end < 0) {
            end = start;
        }
        // A capture read out of order gives softflowd a flow that ends before it starts: the span is what counts.
        rec.startMs = Math.min(start, end);
        rec.endMs = Math.max(start, end);
    }

    /**
     * A sysUpTime-relative time. NetFlow v9 counts from the header's sysUptime; IPFIX from systemInitTimeMilliseconds
     * (options data), else, with no base known, the record is taken to end when it was exported.
     */
    private long fromUptime(long exportMs, long uptime, long value) {
        if (uptime >= 0) {
            return sinceUptime(exportMs, uptime, value);
        }
        if (source.systemInitMs >= 0) {
            return sinceUptime(exportMs, exportMs - source.systemInitMs, value);
        }
        long span = endUp >= 0 && startUp >= 0 ? endUp - startUp : 0;
        return value == endUp ? exportMs : exportMs - span;
    }

    /**
     * The wall time of an uptime stamp, given the uptime at export. Both are 32-bit ms counters that wrap every 49.7
     * days, so their difference is read as a signed 32-bit number: a flow that started before the wrap is in the
     * past, not 49 days ahead.
     */
    static long sinceUptime(long exportMs, long uptimeAtExport, long value) {
        return exportMs + (int) (value - uptimeAtExport);
    }

    private void emit(int announced) {
        int rate = announced > 1 ? announced : defaultRate;
        if (rate > 1) {
            rec.packets *= rate;
            rec.bytes *= rate;
            rec.reversePackets *= rate;
            rec.reverseBytes *= rate;
        }
        rec.samplingRate = Math.max(1, rate);
        rec.exporter = exporter.index;
        datagramRecords++;
        lastRate = rec.samplingRate;
        if (++batched == BATCH) {
            deliver();
        }
        rec = batch[batched];
    }

    /** Hands the records decoded so far to the sink; the next record is decoded into the batch's first. */
    private void deliver() {
        int n = batched;
        batched = 0;
        rec = batch[0];
        if (n > 0) {
            sink.records(batch, n);
        }
    }

    private void swapDirections() {
        long h = rec.srcHi;
        long l = rec.srcLo;
        rec.srcHi = rec.dstHi;
        rec.srcLo = rec.dstLo;
        rec.dstHi = h;
        rec.dstLo = l;
        int port = rec.srcPort;
        rec.srcPort = rec.dstPort;
        rec.dstPort = port;
        long n = rec.packets;
        rec.packets = rec.reversePackets;
        rec.reversePackets = n;
        n = rec.bytes;
        rec.bytes = rec.reverseBytes;
        rec.reverseBytes = n;
        int f = rec.tcpFlags;
        rec.tcpFlags = rec.reverseTcpFlags;
        rec.reverseTcpFlags = f;
    }

    // ---- options data ----------------------------------------------------------------------------------------------

    /** Scope kinds of an options record: what its sampling (or clock) applies to. */
    private static final int SCOPE_SOURCE = 0;
    private static final int SCOPE_INTERFACE = 1;
    private static final int SCOPE_SAMPLER = 2;

    private int options(Template t, byte[] b, int p, int end) throws Malformed {
        rateInterval = rateSpace = rateSize = ratePopulation = samplerId = recordInit = -1;
        rateProbability = 0;
        scopeKind = SCOPE_SOURCE;
        scopeValue = -1;
        boolean v9 = source.version == 9;
        for (int i = 0; i < t.types.length; i++) {
            int len = fieldLength(t, i, b, p, end);
            p = fieldStart;
            int type = t.types[i];
            if (t.enterprises[i] != 0) {
                p += len;
                continue;
            }
            if (i < t.scopeCount) {
                scope(type, v9, len > 8 ? 0 : num(b, p, len));
            } else if (type == 160) {
                recordInit = num(b, p, len);
            } else {
                sampling(type, b, p, len);
            }
            p += len;
        }
        applyOptions();
        return p;
    }

    private void scope(int type, boolean v9, long value) {
        // v9 numbers its scopes apart (1 system, 2 interface, 3 line card, 4 cache, 5 template); IPFIX scopes are
        // ordinary information elements (10 ingressInterface, 48 samplerId, 302 selectorId, 149 observation domain).
        if (v9 ? type == 2 : type == 10) {
            scopeKind = SCOPE_INTERFACE;
            scopeValue = value;
        } else if (!v9 && (type == 48 || type == 302)) {
            scopeKind = SCOPE_SAMPLER;
            scopeValue = value;
        }
    }

    private void applyOptions() {
        if (recordInit >= 0) {
            source.systemInitMs = recordInit;
        }
        int rate = announcedRate();
        if (rate == 0) {
            return;
        }
        int was;
        if (scopeKind == SCOPE_SAMPLER || samplerId >= 0) {
            long id = scopeKind == SCOPE_SAMPLER ? scopeValue : samplerId;
            Integer old = source.samplerRates.put(id, rate);
            was = old == null ? 0 : old;
        } else if (scopeKind == SCOPE_INTERFACE) {
            Integer old = source.putInterfaceRate(scopeValue, rate);
            was = old == null ? 0 : old;
        } else {
            was = source.defaultRate;
            source.defaultRate = rate;
        }
        if (was != rate && rate > 1) {
            LOG.infof("%s samples 1 in %d packets%s: its packet and byte counts are multiplied by %d",
                    source.describe(), rate, scopeKind == SCOPE_INTERFACE ? " on interface " + scopeValue
                            : samplerId >= 0 || scopeKind == SCOPE_SAMPLER ? " (a sampler)" : "", rate);
        }
    }

    // ---- bytes -----------------------------------------------------------------------------------------------------

    private void ipv4(byte[] b, int p, int len, boolean src) {
        if (len != 4) {
            return;
        }
        rec.ipVersion = 4;
        if (src) {
            rec.srcHi = 0;
            rec.srcLo = V4_MAPPED_LO | u32(b, p);
        } else {
            rec.dstHi = 0;
            rec.dstLo = V4_MAPPED_LO | u32(b, p);
        }
    }

    private void ipv6(byte[] b, int p, int len, boolean src) {
        if (len != 16) {
            return;
        }
        rec.ipVersion = 6;
        if (src) {
            rec.srcHi = num(b, p, 8);
            rec.srcLo = num(b, p + 8, 8);
        } else {
            rec.dstHi = num(b, p, 8);
            rec.dstLo = num(b, p + 8, 8);
        }
    }

    private static long ntpMillis(byte[] b, int p, int len) {
        if (len != 8) {
            return -1;
        }
        long seconds = u32(b, p) - NTP_UNIX_OFFSET;
        long fraction = u32(b, p + 4);
        return seconds * 1000 + (fraction * 1000 >>> 32);
    }

    /**
     * The error for a template field that runs past its set. Its message is built only then: built before every
     * check, as it was, it cost a string concatenation per field of every template an exporter repeats.
     */
    private static Malformed pastEnd(String what) {
        return new Malformed(what + " runs past the end of its set");
    }

    /**
     * The length of field {@code i} of a record at {@code p}, its value starting at {@link #fieldStart} (after the
     * length prefix of a variable-length field), checked to end within the set. The message is built only when it
     * does not: this runs for every field of every record.
     */
    private int fieldLength(Template t, int i, byte[] b, int p, int end) throws Malformed {
        int len = t.lengths[i];
        if (len == Template.VARIABLE) {
            if (p + 1 > end) {
                throw overrun(t, i);
            }
            len = b[p] & 0xff;
            p++;
            if (len == 255) {
                if (p + 2 > end) {
                    throw overrun(t, i);
                }
                len = u16(b, p);
                p += 2;
            }
        }
        if (p + len > end) {
            throw overrun(t, i);
        }
        fieldStart = p;
        return len;
    }

    private static Malformed overrun(Template t, int i) {
        return new Malformed("field " + (i + 1) + " (type " + t.types[i] + ") of " + (t.options ? "options " : "")
                + "template " + t.id + " runs past the end of its set");
    }

    /** An unsigned big-endian number of 1 to 8 bytes (IPFIX's reduced-size encoding sends counters shorter). */
    static long num(byte[] b, int p, int len) {
        // The lengths templates use for counters, ports and addresses, each read at once; others byte by byte.
        switch (len) {
            case 1:
                return b[p] & 0xff;
            case 2:
                return (short) SHORT.get(b, p) & 0xffff;
            case 4:
                return (int) INT.get(b, p) & 0xffff_ffffL;
            case 8:
                return (long) LONG.get(b, p);
            default:
                break;
        }
        long v = 0;
        for (int i = 0; i < Math.min(len, 8); i++) {
            v = v << 8 | (b[p + i] & 0xff);
        }
        return v;
    }

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static int u16(byte[] b, int p) {
        return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
    }

    static long u32(byte[] b, int p) {
        return (long) (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }
}
