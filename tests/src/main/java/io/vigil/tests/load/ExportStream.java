package io.vigil.tests.load;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sensor's Export stream for a test that sends chosen flows batch by batch, numbered after the sequence ingest
 * acknowledged on open, as the sensor does; {@link FlowLoad} is the bulk counterpart.
 */
public final class ExportStream implements AutoCloseable {

    private final ManagedChannel channel;
    private final StreamObserver<FlowBatch> requests;
    private final CompletableFuture<Long> initial = new CompletableFuture<>();
    private final AtomicLong acked = new AtomicLong();
    private volatile Throwable failure;
    private long sequence;

    public ExportStream(String target, String token) throws Exception {
        channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        requests = FlowIngestGrpc.newStub(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)))
                .export(new StreamObserver<>() {
                    @Override
                    public void onNext(Ack ack) {
                        if (ack.getInitial()) {
                            initial.complete(ack.getSequence());
                        }
                        acked.accumulateAndGet(ack.getSequence(), Math::max);
                    }

                    @Override
                    public void onError(Throwable t) {
                        failure = t;
                        initial.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        // the test closes the stream
                    }
                });
        sequence = initial.get(30, TimeUnit.SECONDS);
    }

    /** Sends the flows as the next batch; returns its sequence. */
    public synchronized long send(List<Flow> flows) {
        requests.onNext(FlowBatch.newBuilder().setSequence(++sequence).addAllFlows(flows).build());
        return sequence;
    }

    /** Waits until ingest acknowledged batch {@code seq} as stored. */
    public void awaitStored(long seq, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (acked.get() < seq) {
            if (failure != null) {
                throw new IllegalStateException("Export stream failed", failure);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("batch " + seq + " not acknowledged in " + timeoutMs + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    @Override
    public void close() throws InterruptedException {
        requests.onCompleted();
        channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
}
