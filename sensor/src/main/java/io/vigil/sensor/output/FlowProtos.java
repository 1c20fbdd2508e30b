package io.vigil.sensor.output;

import com.google.protobuf.ByteString;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.sensor.meter.MeteredFlow;

import java.nio.charset.StandardCharsets;

/**
 * Maps a metered flow to the wire contract's {@code Flow}, the one shape both --stdout and the exporter emit.
 *
 * <p>{@link #toProto} builds the message; {@link #toByteArray} writes the same message's bytes straight from the
 * flow, without the builder, the message and their ByteStrings (for a flow stitched from NetFlow records, the
 * builder path cost about as much as decoding and stitching the flow's records). Both follow what protobuf's generated {@code Flow.writeTo} does: fields
 * in number order, proto3 defaults (0, empty) left out, {@code zeek_uid} (explicit presence) written when set.
 * FlowProtosTest holds them to byte-identical output; a field added to {@code Flow} must be added to both.
 */
public final class FlowProtos {

    private FlowProtos() {
    }

    public static Flow toProto(MeteredFlow f) {
        long start = Math.floorDiv(f.startMicros(), 1000);
        long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
        Flow.Builder b = Flow.newBuilder()
                .setStartTimeMs(start)
                .setEndTimeMs(end)
                .setIpVersion(f.ipVersion())
                .setOrigAddr(ByteString.copyFrom(f.origAddr()))
                .setRespAddr(ByteString.copyFrom(f.respAddr()))
                .setOrigPort(f.origPort())
                .setRespPort(f.respPort())
                .setProtocol(f.protocol())
                .setIcmpType(f.icmpType())
                .setIcmpCode(f.icmpCode())
                .setOrigPackets(f.origPackets())
                .setOrigBytes(f.origBytes())
                .setRespPackets(f.respPackets())
                .setRespBytes(f.respBytes())
                .setOrigTcpFlags(f.origTcpFlags())
                .setRespTcpFlags(f.respTcpFlags())
                .setConnState(f.connState())
                .setHistory(f.history())
                .setVlan(f.vlan())
                .setCommunityId(f.communityId())
                .setIcmpReply(f.icmpReply());
        if (f.zeekUid() != null) {
            b.setZeekUid(f.zeekUid());
        }
        if (f.source() != null) {
            b.setExporterAddr(ByteString.copyFrom(f.source().exporter())).setSamplingRate(f.source().samplingRate());
        }
        return b.build();
    }

    /**
     * {@code toProto(f).toByteArray()}, written directly: the fields' tags, varints and bytes straight into an array
     * (protobuf's stream writes each byte through a bounds-checked call, after a pass that sizes every field). One
     * pass writes into this thread's scratch array, sized for the worst case of this flow, and the message is copied
     * out of it: a copy of about a hundred bytes costs less than working every varint's length out first. A string
     * of ASCII characters only (history letters, a Community ID: what every flow carries) is its own UTF-8, so its
     * characters are copied as they are; any other string is turned into UTF-8 by the JDK's encoder, which for an
     * unpaired surrogate gives what protobuf's own fallback gives, so the bytes agree for any string.
     */
    public static byte[] toByteArray(MeteredFlow f) {
        String zeekUid = f.zeekUid();
        int bound = FIXED_BOUND + f.origAddr().length + f.respAddr().length + utf8Bound(f.history())
                + utf8Bound(f.communityId()) + (zeekUid == null ? 0 : utf8Bound(zeekUid))
                + (f.source() == null ? 0 : f.source().exporter().length);
        byte[] out = SCRATCH.get();
        if (out.length < bound) {
            out = new byte[bound];
            SCRATCH.set(out);
        }
        return java.util.Arrays.copyOf(out, encode(f, out));
    }

    /**
     * Bytes every field but the byte strings can take: 23 fields of at most a 2-byte tag and a 10-byte varint (a
     * length included), and the strings' length prefixes.
     */
    private static final int FIXED_BOUND = 23 * 12;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1024]);

    /** At most the UTF-8 length of a string: 3 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units). */
    private static int utf8Bound(String s) {
        return 3 * s.length();
    }

    /** Writes the message into {@code out} (large enough, see {@link #toByteArray}) and returns its length. */
    private static int encode(MeteredFlow f, byte[] out) {
        int p = head(out, 0, f.startMicros(), f.endMicros(), f.ipVersion(), f.origAddr(), f.respAddr(), f.origPort(),
                f.respPort(), f.protocol(), f.icmpType(), f.icmpCode(), f.origPackets(), f.origBytes(),
                f.respPackets(), f.respBytes(), f.origTcpFlags(), f.respTcpFlags(), f.connState().getNumber(),
                f.history(), f.vlan());
        p = string(out, p, Flow.COMMUNITY_ID_FIELD_NUMBER, f.communityId(), false);
        return tail(out, p, f.icmpReply(), f.zeekUid(), f.source() == null ? null : f.source().exporter(),
                f.source() == null ? 0 : f.source().samplingRate());
    }

    /**
     * Bytes {@link #head}, {@link #ascii} and {@link #tail} can take for a flow with these addresses, history,
     * community ID and exporter (the Zeek uid left out): what {@code out} must hold for them.
     */
    public static int bound(int addressBytes, String history, int communityIdBytes, int exporterBytes) {
        return FIXED_BOUND + 2 * addressBytes + utf8Bound(history) + communityIdBytes + exporterBytes;
    }

    /**
     * Fields 1 to 19 of a {@code Flow} (start time to VLAN), written at {@code p} as {@link #toByteArray} writes them
     * from a {@link MeteredFlow}'s values (times in µs, {@code connState} the enum's number); returns where they end.
     * With {@link #ascii} (the community ID) and {@link #tail} it writes a whole message without a MeteredFlow.
     */
    public static int head(byte[] out, int p, long startMicros, long endMicros, int ipVersion, byte[] origAddr,
                           byte[] respAddr, int origPort, int respPort, int protocol, int icmpType, int icmpCode,
                           long origPackets, long origBytes, long respPackets, long respBytes, int origTcpFlags,
                           int respTcpFlags, int connState, String history, int vlan) {
        long start = Math.floorDiv(startMicros, 1000);
        long end = Math.max(start, Math.floorDiv(endMicros, 1000));
        p = uint64(out, p, Flow.START_TIME_MS_FIELD_NUMBER, start);
        p = uint64(out, p, Flow.END_TIME_MS_FIELD_NUMBER, end);
        p = uint32(out, p, Flow.IP_VERSION_FIELD_NUMBER, ipVersion);
        p = bytes(out, p, Flow.ORIG_ADDR_FIELD_NUMBER, origAddr);
        p = bytes(out, p, Flow.RESP_ADDR_FIELD_NUMBER, respAddr);
        p = uint32(out, p, Flow.ORIG_PORT_FIELD_NUMBER, origPort);
        p = uint32(out, p, Flow.RESP_PORT_FIELD_NUMBER, respPort);
        p = uint32(out, p, Flow.PROTOCOL_FIELD_NUMBER, protocol);
        p = uint32(out, p, Flow.ICMP_TYPE_FIELD_NUMBER, icmpType);
        p = uint32(out, p, Flow.ICMP_CODE_FIELD_NUMBER, icmpCode);
        p = uint64(out, p, Flow.ORIG_PACKETS_FIELD_NUMBER, origPackets);
        p = uint64(out, p, Flow.ORIG_BYTES_FIELD_NUMBER, origBytes);
        p = uint64(out, p, Flow.RESP_PACKETS_FIELD_NUMBER, respPackets);
        p = uint64(out, p, Flow.RESP_BYTES_FIELD_NUMBER, respBytes);
        p = uint32(out, p, Flow.ORIG_TCP_FLAGS_FIELD_NUMBER, origTcpFlags);
        p = uint32(out, p, Flow.RESP_TCP_FLAGS_FIELD_NUMBER, respTcpFlags);
        // An enum is an int32 varint: sign-extended to 64 bits, as protobuf writes a negative one.
        p = uint64(out, p, Flow.CONN_STATE_FIELD_NUMBER, connState);
        p = string(out, p, Flow.HISTORY_FIELD_NUMBER, history, false);
        return uint32(out, p, Flow.VLAN_FIELD_NUMBER, vlan);
    }

    /**
     * The community ID field (20) from its text's bytes, {@code text[0..length)}, known to be ASCII (as a Community ID
     * is): what {@link #toByteArray} writes for the same text as a String, without making the String.
     */
    public static int ascii(byte[] out, int p, byte[] text, int length) {
        if (length == 0) {
            return p;
        }
        p = varint(out, tag(out, p, Flow.COMMUNITY_ID_FIELD_NUMBER, LENGTH_DELIMITED), length);
        System.arraycopy(text, 0, out, p, length);
        return p + length;
    }

    /**
     * Fields 21 and up: the ICMP reply, the Zeek uid (null: absent), the exporter's address and sampling rate (a null
     * address: not from an exporter, and the rate is left out too).
     */
    public static int tail(byte[] out, int p, int icmpReply, String zeekUid, byte[] exporterAddr, int samplingRate) {
        p = uint32(out, p, Flow.ICMP_REPLY_FIELD_NUMBER, icmpReply);
        if (zeekUid != null) {
            // Explicit presence: written when set, even empty.
            p = string(out, p, Flow.ZEEK_UID_FIELD_NUMBER, zeekUid, true);
        }
        if (exporterAddr != null) {
            p = bytes(out, p, Flow.EXPORTER_ADDR_FIELD_NUMBER, exporterAddr);
            p = uint32(out, p, Flow.SAMPLING_RATE_FIELD_NUMBER, samplingRate);
        }
        return p;
    }

    /**
     * A string's field: its UTF-8, length-delimited; left out when empty unless {@code present} (explicit presence).
     * ASCII is copied character by character, the length known up front; anything else goes through the encoder.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII, which is checked
    private static int string(byte[] out, int p, int field, String s, boolean present) {
        int n = s.length();
        if (n == 0 && !present) {
            return p;
        }
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return raw(out, varint(out, tag(out, p, field, LENGTH_DELIMITED), utf8.length), utf8);
        }
        p = varint(out, tag(out, p, field, LENGTH_DELIMITED), n);
        s.getBytes(0, n, out, p);
        return p + n;
    }

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    /**
     * A field's key. Every field number here is below 2048, so the key is one byte (fields 1-15) or two, written
     * without the varint loop: constants once inlined at a call site.
     */
    private static int tag(byte[] out, int p, int field, int wireType) {
        int key = field << 3 | wireType;
        if (key < 0x80) {
            out[p] = (byte) key;
            return p + 1;
        }
        out[p] = (byte) (key | 0x80);
        out[p + 1] = (byte) (key >>> 7);
        return p + 2;
    }

    /** A proto3 uint32 field (left out when 0); the int is read as unsigned. */
    private static int uint32(byte[] out, int p, int field, int v) {
        return v == 0 ? p : varint(out, tag(out, p, field, VARINT), v & 0xffff_ffffL);
    }

    private static int uint64(byte[] out, int p, int field, long v) {
        return v == 0 ? p : varint(out, tag(out, p, field, VARINT), v);
    }

    /** A proto3 bytes (or string, as UTF-8) field, left out when empty. */
    private static int bytes(byte[] out, int p, int field, byte[] v) {
        return v.length == 0 ? p : raw(out, varint(out, tag(out, p, field, LENGTH_DELIMITED), v.length), v);
    }

    private static int raw(byte[] out, int p, byte[] v) {
        System.arraycopy(v, 0, out, p, v.length);
        return p + v.length;
    }

    /** Base-128 varint, low groups first: 1 byte per 7 bits, at least one. */
    private static int varint(byte[] out, int p, long v) {
        while ((v & ~0x7fL) != 0) {
            out[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }
}
