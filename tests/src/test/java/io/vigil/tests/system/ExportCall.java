package io.vigil.tests.system;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.tests.load.FlowLoad;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Export stream whose requests are arbitrary bytes, so tests can send what no protobuf encoder would produce,
 * and whose end (status and the Acks before it) can be awaited.
 */
final class ExportCall implements AutoCloseable {

    /** How a stream ended: its status (OK when ingest completed it) and the non-initial Acks it sent. */
    record End(Status status, List<Ack> acks) {
    }

    private final ManagedChannel channel;
    private final ClientCall<byte[], Ack> call;
    private final CompletableFuture<Long> initial = new CompletableFuture<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private final List<Ack> acks = new CopyOnWriteArrayList<>();

    private ExportCall(String target, String token) {
        channel = ManagedChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(16 << 20).build();
        call = channel.newCall(FlowLoad.EXPORT_PRE_ENCODED, CallOptions.DEFAULT);
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(Ack ack) {
                if (ack.getInitial()) {
                    initial.complete(ack.getSequence());
                } else {
                    acks.add(ack);
                }
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                initial.completeExceptionally(status.asRuntimeException());
                end.complete(status);
            }
        }, headers);
        call.request(1);
    }

    /** Opens an Export stream to {@code target} with {@code token} (none if null). */
    static ExportCall open(String target, String token) {
        return new ExportCall(target, token);
    }

    /** The initial Ack's sequence: the sensor's stored high-water mark. */
    long initial() throws Exception {
        return initial.get(30, TimeUnit.SECONDS);
    }

    void send(byte[] message) {
        call.sendMessage(message);
    }

    void halfClose() {
        call.halfClose();
    }

    /** Waits for the stream to end; a stream still open after {@code seconds} is a hang, reported as such. */
    End awaitEnd(int seconds) throws Exception {
        try {
            return new End(end.get(seconds, TimeUnit.SECONDS), List.copyOf(acks));
        } catch (TimeoutException e) {
            call.cancel("test timeout", null);
            return new End(Status.DEADLINE_EXCEEDED.withDescription("the stream hung for " + seconds + " s"), List.copyOf(acks));
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
