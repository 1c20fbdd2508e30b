package io.vigil.ingest.export.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.impl.BridgeMessageDecoder;
import io.vigil.ingest.support.Flows;
import io.vigil.proto.ingest.v1.FlowBatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawFlowBatchTest {

    private static final byte[] WIRE = Flows.batch(7, "1:split", 3).toByteArray();

    /**
     * Through the decoder the Vert.x gRPC bridge uses (vertx-grpc 4.5), which hands the marshaller a KnownLength
     * ByteBufInputStream over the message. A message that came in several HTTP/2 DATA frames is read whole, wherever
     * the frames split it: reassembled into one buffer, as the bridge does, or left in two pieces.
     */
    @Test
    void readsAFlowBatchSplitAtEveryOffsetAsTheBridgeHandsItOver() {
        RawFlowBatch expected = parseWhole();
        BridgeMessageDecoder<RawFlowBatch> bridge = new BridgeMessageDecoder<>(RawFlowBatch.MARSHALLER, null);
        for (int split = 0; split <= WIRE.length; split++) {
            // The bridge appends each frame to the first one, then slices the message out after its 5-byte prefix.
            Buffer frames = Buffer.buffer(new byte[5]).appendBytes(WIRE, 0, split);
            frames.appendBuffer(Buffer.buffer(Arrays.copyOfRange(WIRE, split, WIRE.length)));
            assertSameBatch(expected, bridge.decode(GrpcMessage.message("identity", frames.slice(5, frames.length()))));

            CompositeByteBuf pieces = Unpooled.compositeBuffer().addComponents(true,
                    Unpooled.wrappedBuffer(WIRE, 0, split), Unpooled.wrappedBuffer(WIRE, split, WIRE.length - split));
            assertSameBatch(expected, bridge.decode(GrpcMessage.message("identity", Buffer.buffer(pieces))));
        }
    }

    @Test
    void bytesThatAreNoFlowBatchBecomeInvalidArgumentWithTheReason() {
        RawFlowBatch batch = RawFlowBatch.MARSHALLER.parse(FlowBatch.newBuilder().build().toByteString()
                .concat(ByteString.copyFrom(new byte[]{0x12, 0x7F, 0x08})).newInput());
        assertEquals(Status.Code.INVALID_ARGUMENT, batch.failure.getCode());
        assertTrue(batch.failure.getDescription().startsWith("malformed FlowBatch: "), batch.failure.getDescription());
    }

    /** A stream that fails with a RuntimeException is ingest's (or its transport's) fault, never the marshaller's to throw. */
    @Test
    void aStreamThatThrowsBecomesInternalWithTheReasonNotAnException() {
        InputStream broken = new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("buffer released");
            }
        };
        RawFlowBatch batch = RawFlowBatch.MARSHALLER.parse(broken);
        assertEquals(Status.Code.INTERNAL, batch.failure.getCode());
        assertTrue(batch.failure.getDescription().contains("java.lang.IllegalStateException: buffer released"),
                batch.failure.getDescription());
        assertTrue(batch.failure.getCause() instanceof IllegalStateException, "the cause is kept for the server's log");
    }

    private static RawFlowBatch parseWhole() {
        RawFlowBatch batch = RawFlowBatch.MARSHALLER.parse(new ByteArrayInputStream(WIRE));
        assertNull(batch.failure);
        assertEquals(7, batch.sequence);
        assertEquals(3, batch.flowCount);
        return batch;
    }

    private static void assertSameBatch(RawFlowBatch expected, RawFlowBatch actual) {
        assertNull(actual.failure, () -> String.valueOf(actual.failure));
        assertArrayEquals(expected.wire, actual.wire);
        assertEquals(expected.sequence, actual.sequence);
        assertEquals(expected.flowCount, actual.flowCount);
        assertArrayEquals(Arrays.copyOf(expected.flowOffsets, expected.flowCount),
                Arrays.copyOf(actual.flowOffsets, actual.flowCount));
        assertArrayEquals(Arrays.copyOf(expected.flowLengths, expected.flowCount),
                Arrays.copyOf(actual.flowLengths, actual.flowCount));
    }
}
