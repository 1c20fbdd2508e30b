package io.vigil.ingest.export.service;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;

/**
 * One {@code vigil.ingest.v1.Flow} decoded in place from FlowBatch wire bytes: numbers as values, byte and
 * string fields as offsets into the batch. Ingest reads every flow through one reusable instance instead of
 * building protobuf objects, which halves its CPU per flow. Field numbers follow ingest.proto; unknown fields
 * are skipped, as protobuf does.
 */
public final class FlowFields {

    long startTimeMs;
    long endTimeMs;
    long ipVersion;
    long origPort;
    long respPort;
    long protocol;
    long icmpType;
    long icmpCode;
    long origPackets;
    long origBytes;
    long respPackets;
    long respBytes;
    long origTcpFlags;
    long respTcpFlags;
    int connState;
    long vlan;
    long icmpReply;
    byte[] buf;
    int origAddrOffset;
    int origAddrLength;
    int respAddrOffset;
    int respAddrLength;
    int historyOffset;
    int historyLength;
    int communityIdOffset;
    int communityIdLength;
    int zeekUidOffset;
    int zeekUidLength;
    int exporterAddrOffset;
    int exporterAddrLength;
    long samplingRate;

    /** Reads the Flow message at {@code [offset, offset + length)} of {@code buf}, replacing every field. */
    public FlowFields decode(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
        clear();
        this.buf = buf;
        try {
            read(CodedInputStream.newInstance(buf, offset, length), offset, length);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return this;
    }

    private void read(CodedInputStream in, int offset, int length) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (wireType == WireFormat.WIRETYPE_VARINT) {
                varint(field, in.readRawVarint64());
            } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED && isBytes(field)) {
                int size = in.readRawVarint32();
                if (size < 0 || size > length - in.getTotalBytesRead()) {
                    throw new InvalidProtocolBufferException("field " + field + " runs past the end of the flow");
                }
                bytes(field, offset + in.getTotalBytesRead(), size);
                in.skipRawBytes(size);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
    }

    private static boolean isBytes(int field) {
        return field == 4 || field == 5 || field == 18 || field == 20 || field == 22 || field == 23;
    }

    private void varint(int field, long v) {
        long u32 = v & 0xFFFF_FFFFL;
        switch (field) {
            case 1 -> startTimeMs = v;
            case 2 -> endTimeMs = v;
            case 3 -> ipVersion = u32;
            case 6 -> origPort = u32;
            case 7 -> respPort = u32;
            case 8 -> protocol = u32;
            case 9 -> icmpType = u32;
            case 10 -> icmpCode = u32;
            case 11 -> origPackets = v;
            case 12 -> origBytes = v;
            case 13 -> respPackets = v;
            case 14 -> respBytes = v;
            case 15 -> origTcpFlags = u32;
            case 16 -> respTcpFlags = u32;
            case 17 -> connState = (int) v;
            case 19 -> vlan = u32;
            case 21 -> icmpReply = u32;
            case 24 -> samplingRate = v;
            default -> {
                // a field this build does not know (or a string sent as a number): ignored, as protobuf does
            }
        }
    }

    private void bytes(int field, int at, int size) {
        switch (field) {
            case 4 -> {
                origAddrOffset = at;
                origAddrLength = size;
            }
            case 5 -> {
                respAddrOffset = at;
                respAddrLength = size;
            }
            case 18 -> {
                historyOffset = at;
                historyLength = size;
            }
            case 20 -> {
                communityIdOffset = at;
                communityIdLength = size;
            }
            case 22 -> {
                zeekUidOffset = at;
                zeekUidLength = size;
            }
            default -> {
                exporterAddrOffset = at;
                exporterAddrLength = size;
            }
        }
    }

    /**
     * Offsets too, not only lengths: a field this flow lacks (proto3 omits an empty history or community_id; ICMP
     * flows and UDP flows without payload have no history) must not point into the previous flow's batch.
     * System.arraycopy checks the offset even when it copies nothing, so an offset past the end of a smaller batch
     * failed the whole stream.
     */
    private void clear() {
        startTimeMs = endTimeMs = ipVersion = origPort = respPort = protocol = icmpType = icmpCode = 0;
        origPackets = origBytes = respPackets = respBytes = origTcpFlags = respTcpFlags = vlan = icmpReply = 0;
        samplingRate = 0;
        connState = 0;
        origAddrOffset = respAddrOffset = historyOffset = communityIdOffset = zeekUidOffset = exporterAddrOffset = 0;
        origAddrLength = respAddrLength = historyLength = communityIdLength = zeekUidLength = exporterAddrLength = 0;
    }

    /** True if the {@code length} bytes at {@code offset} are printable ASCII (the only text these fields hold). */
    boolean printableAscii(int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buf[i] < 0x20 || buf[i] > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
