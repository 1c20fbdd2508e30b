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
        long start = Math.floorDiv(f.startMicros(), 1000);
        long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
        int p = uint64(out, 0, Flow.START_TIME_MS_FIELD_NUMBER, start);
        p = uint64(out, p, Flow.END_TIME_MS_FIELD_NUMBER, end);
        p = uint32(out, p, Flow.IP_VERSION_FIELD_NUMBER, f.ipVersion());
        p = bytes(out, p, Flow.ORIG_ADDR_FIELD_NUMBER, f.origAddr());
        p = bytes(out, p, Flow.RESP_ADDR_FIELD_NUMBER, f.respAddr());
        p = uint32(out, p, Flow.ORIG_PORT_FIELD_NUMBER, f.origPort());
        p = uint32(out, p, Flow.RESP_PORT_FIELD_NUMBER, f.respPort());
        p = uint32(out, p, Flow.PROTOCOL_FIELD_NUMBER, f.protocol());
        p = uint32(out, p, Flow.ICMP_TYPE_FIELD_NUMBER, f.icmpType());
        p = uint32(out, p, Flow.ICMP_CODE_FIELD_NUMBER, f.icmpCode());
        p = uint64(out, p, Flow.ORIG_PACKETS_FIELD_NUMBER, f.origPackets());
        p = uint64(out, p, Flow.ORIG_BYTES_FIELD_NUMBER, f.origBytes());
        p = uint64(out, p, Flow.RESP_PACKETS_FIELD_NUMBER, f.respPackets());
        p = uint64(out, p, Flow.RESP_BYTES_FIELD_NUMBER, f.respBytes());
        p = uint32(out, p, Flow.ORIG_TCP_FLAGS_FIELD_NUMBER, f.origTcpFlags());
        p = uint32(out, p, Flow.RESP_TCP_FLAGS_FIELD_NUMBER, f.respTcpFlags());
        // An enum is an int32 varint: sign-extended to 64 bits, as protobuf writes a negative one.
        p = uint64(out, p, Flow.CONN_STATE_FIELD_NUMBER, f.connState().getNumber());
        p = string(out, p, Flow.HISTORY_FIELD_NUMBER, f.history(), false);
        p = uint32(out, p, Flow.VLAN_FIELD_NUMBER, f.vlan());
        p = string(out, p, Flow.COMMUNITY_ID_FIELD_NUMBER, f.communityId(), false);
        p = uint32(out, p, Flow.ICMP_REPLY_FIELD_NUMBER, f.icmpReply());
        if (f.zeekUid() != null) {
            // Explicit presence: written when set, even empty.
            p = string(out, p, Flow.ZEEK_UID_FIELD_NUMBER, f.zeekUid(), true);
        }
        if (f.source() != null) {
            p = bytes(out, p, Flow.EXPORTER_ADDR_FIELD_NUMBER, f.source().exporter());
            p = uint32(out, p, Flow.SAMPLING_RATE_FIELD_NUMBER, f.source().samplingRate());
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
