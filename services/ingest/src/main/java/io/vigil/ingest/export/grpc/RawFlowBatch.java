package io.vigil.ingest.export.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A FlowBatch as it came off the wire: its sequence and where each flow's bytes are. The flows are decoded
 * later, one at a time and without protobuf objects, by {@link ExportStream}; see FlowFields.
 */
final class RawFlowBatch {

    /**
     * Turns request bytes into a RawFlowBatch. It never throws: the Vert.x gRPC bridge would swallow the exception
     * and leave the stream hanging. Malformed bytes become a batch carrying the {@link #malformed} reason, which
     * ExportStream answers with INVALID_ARGUMENT.
     */
    static final MethodDescriptor.Marshaller<RawFlowBatch> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(RawFlowBatch value) {
            return new ByteArrayInputStream(value.wire);
        }

        @Override
        public RawFlowBatch parse(InputStream stream) {
            byte[] wire = new byte[0];
            try {
                wire = stream.readAllBytes();
                return RawFlowBatch.parse(wire);
            } catch (IOException e) {
                RawFlowBatch bad = new RawFlowBatch(wire);
                bad.malformed = "malformed FlowBatch: " + e.getMessage();
                return bad;
            }
        }
    };

    final byte[] wire;
    /** Why the bytes are not a FlowBatch, or null. */
    String malformed;
    long sequence;
    int flowCount;
    int[] flowOffsets = new int[64];
    int[] flowLengths = new int[64];

    private RawFlowBatch(byte[] wire) {
        this.wire = wire;
    }

    /** Scans the top-level fields: field 1 (sequence) and each field 2 (a Flow); skips unknown ones. */
    static RawFlowBatch parse(byte[] wire) throws IOException {
        RawFlowBatch batch = new RawFlowBatch(wire);
        CodedInputStream in = CodedInputStream.newInstance(wire);
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (field == 1 && wireType == WireFormat.WIRETYPE_VARINT) {
                batch.sequence = in.readRawVarint64();
            } else if (field == 2 && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int size = in.readRawVarint32();
                if (size < 0 || size > wire.length - in.getTotalBytesRead()) {
                    throw new InvalidProtocolBufferException("flow " + batch.flowCount + " runs past the end of the batch");
                }
                batch.add(in.getTotalBytesRead(), size);
                in.skipRawBytes(size);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return batch;
    }

    private void add(int offset, int length) {
        if (flowCount == flowOffsets.length) {
            flowOffsets = Arrays.copyOf(flowOffsets, flowCount * 2);
            flowLengths = Arrays.copyOf(flowLengths, flowCount * 2);
        }
        flowOffsets[flowCount] = offset;
        flowLengths[flowCount] = length;
        flowCount++;
    }
}
