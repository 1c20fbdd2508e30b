package io.vigil.ingest.support;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.proto.ingest.v1.HeartbeatReply;
import io.vigil.proto.ingest.v1.SensorStatus;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test sensor: one gRPC channel to ingest with a bearer token, and Export streams whose Acks tests can await. */
public final class ExportClient implements AutoCloseable {

    public static final int PORT = 18190;
    private final ManagedChannel channel;
    private final FlowIngestGrpc.FlowIngestStub stub;
    private final FlowIngestGrpc.FlowIngestBlockingStub blocking;
    private final Metadata headers = new Metadata();

    public ExportClient(String token) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", PORT).usePlaintext().build();
        if (token != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        stub = FlowIngestGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        blocking = FlowIngestGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public Stream open() {
        return new Stream(stub);
    }

    /** An Export stream that sends raw bytes, for malformed input. */
    public RawStream openRaw() {
        return new RawStream(channel, headers);
    }

    public HeartbeatReply heartbeat(SensorStatus status) {
        return blocking.withDeadlineAfter(10, TimeUnit.SECONDS).heartbeat(status);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** What an Export stream received: its Acks, and how it ended. */
    public static class Responses implements StreamObserver<Ack> {
        public final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
        public final CompletableFuture<Status> end = new CompletableFuture<>();

        @Override
        public void onNext(Ack ack) {
            acks.add(ack);
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        /** The next Ack, or a failure naming how the stream ended if it ends first. */
        public Ack nextAck(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (System.nanoTime() < deadline) {
                Ack ack = acks.poll(100, TimeUnit.MILLISECONDS);
                if (ack != null) {
                    return ack;
                }
                if (end.isDone() && acks.isEmpty()) {
                    throw new AssertionError("stream ended before an Ack: " + end.join());
                }
            }
            throw new AssertionError("no Ack within " + timeout + " " + unit);
        }

        /** How the stream ended, waiting up to the timeout. */
        public Status awaitEnd(long timeout, TimeUnit unit) throws Exception {
            return end.get(timeout, unit);
        }
    }

    /** An Export stream whose requests are arbitrary bytes, for malformed input. */
    public static final class RawStream extends Responses {
        private static final MethodDescriptor<byte[], Ack> RAW_EXPORT = FlowIngestGrpc.getExportMethod()
                .toBuilder(new MethodDescriptor.Marshaller<byte[]>() {
                    @Override
                    public InputStream stream(byte[] value) {
                        return new ByteArrayInputStream(value);
                    }

                    @Override
                    public byte[] parse(InputStream stream) {
                        throw new UnsupportedOperationException("requests only");
                    }
                }, FlowIngestGrpc.getExportMethod().getResponseMarshaller()).build();

        private final StreamObserver<byte[]> requests;

        RawStream(Channel channel, Metadata headers) {
            Channel authenticated = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            requests = ClientCalls.asyncBidiStreamingCall(authenticated.newCall(RAW_EXPORT, CallOptions.DEFAULT), this);
        }

        public void send(byte[] bytes) {
            requests.onNext(bytes);
        }
    }

    /** One Export stream of FlowBatch messages. */
    public static final class Stream extends Responses {
        private final StreamObserver<FlowBatch> requests;

        Stream(FlowIngestGrpc.FlowIngestStub stub) {
            requests = stub.export(this);
        }

        public void send(FlowBatch batch) {
            requests.onNext(batch);
        }

        public void complete() {
            requests.onCompleted();
        }

        public void cancel() {
            requests.onError(new StatusRuntimeException(Status.CANCELLED));
        }
    }
}
