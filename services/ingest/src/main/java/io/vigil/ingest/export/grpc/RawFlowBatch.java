package io.vigil.ingest.export.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

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
     * Turns request bytes into a RawFlowBatch, and never throws. An exception from a marshaller is lost in the Vert.x
     * gRPC bridge (vertx-grpc 4.5: its read queue has no exception handler, the upstream bug "GrpcServiceBridgeImpl
     * should set exception handling callback"): the message vanishes, the call stays open and the sensor waits for
     * an Ack that never comes. So every failure becomes a batch carrying it, which ExportStream answers with that
     * status, logs with the sensor's tenant and id, and counts: bytes that are no FlowBatch are the sender's
     * (INVALID_ARGUMENT); anything else that fails here is ingest's or its transport's (INTERNAL).
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
                return failed(wire, Status.INVALID_ARGUMENT.withDescription("malformed FlowBatch: " + e.getMessage()));
            } catch (RuntimeException e) {
                return failed(wire, Status.INTERNAL.withCause(e).withDescription("ingest could not read a FlowBatch ("
                        + e + "); nothing of it was stored: resend it"));
            }
        }
    };

    final byte[] wire;
    /** Why these bytes cannot be stored, with the status that ends the stream; null for a FlowBatch. */
    Status failure;
    long sequence;
    int flowCount;
    int[] flowOffsets = new int[64];
    int[] flowLengths = new int[64];

    private RawFlowBatch(byte[] wire) {
        this.wire = wire;
    }

    private static RawFlowBatch failed(byte[] wire, Status failure) {
        RawFlowBatch batch = new RawFlowBatch(wire);
        batch.failure = failure;
        return batch;
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
