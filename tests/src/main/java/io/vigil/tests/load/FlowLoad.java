package io.vigil.tests.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A synthetic sensor workload: streams generated flows (web, DNS, SSH and failed attempts) to ingest over the
 * real Export protocol, keeping a window of unacknowledged batches, and reports what ingest acknowledged.
 * The demo and the ingest benchmark both drive ingest with it.
 */
public final class FlowLoad {

    /** What one run did. */
    public record Result(String sensor, long flowsSent, long flowsAccepted, long batches, long nanos) {
        public double flowsPerSecond() {
            return flowsSent / (nanos / 1e9);
        }
    }

    private static final int WINDOW = 32;

    private final String target;
    private final String token;
    private final String sensor;
    private final int batchSize;

    public FlowLoad(String target, String token, String sensor, int batchSize) {
        this.target = target;
        this.token = token;
        this.sensor = sensor;
        this.batchSize = batchSize;
    }

    /** Sends {@code flows} flows in batches and waits until every batch is acknowledged. */
    public Result run(long flows, String marker, ProgressListener progress) throws Exception {
        return run(flows, marker, progress, 0);
    }

    /**
     * Sends {@code flows} flows in batches, no faster than {@code flowsPerSecond} (0: as fast as ingest acknowledges),
     * and waits until every batch is acknowledged.
     */
    public Result run(long flows, String marker, ProgressListener progress, double flowsPerSecond) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            Channel authenticated = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            List<ByteString> templates = templates(marker);
            Semaphore window = new Semaphore(0);
            AtomicLong accepted = new AtomicLong();
            AtomicLong acked = new AtomicLong();
            CompletableFuture<Long> initial = new CompletableFuture<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long batches = (flows + batchSize - 1) / batchSize;
            StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                    authenticated.newCall(EXPORT_PRE_ENCODED, CallOptions.DEFAULT), new StreamObserver<Ack>() {
                @Override
                public void onNext(Ack ack) {
                    if (ack.getInitial()) {
                        initial.complete(ack.getSequence());
                        window.release(WINDOW);
                        return;
                    }
                    accepted.addAndGet(ack.getAccepted());
                    long n = acked.incrementAndGet();
                    progress.acked(n * batchSize);
                    window.release();
                    if (n == batches) {
                        done.complete(null);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    Status s = Status.fromThrowable(t);
                    RuntimeException e = new IllegalStateException("Export stream failed: " + s.getCode() + " " + s.getDescription(), t);
                    initial.completeExceptionally(e);
                    done.completeExceptionally(e);
                }

                @Override
                public void onCompleted() {
                    done.complete(null);
                }
            });
            long sequence = initial.get(30, TimeUnit.SECONDS);
            long start = System.nanoTime();
            long sent = 0;
            for (long b = 0; b < batches; b++) {
                while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (done.isCompletedExceptionally()) {
                        done.join();
                    }
                }
                if (flowsPerSecond > 0) {
                    long due = start + (long) (sent / flowsPerSecond * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                int n = (int) Math.min(batchSize, flows - sent);
                ByteString flowsField = n == batchSize ? templates.get((int) (b % templates.size()))
                        : encode(FlowBatch.newBuilder().addAllFlows(decode(templates.get(0)).subList(0, n)).build());
                synchronized (requests) {
                    requests.onNext(withSequence(++sequence, flowsField));
                }
                sent += n;
            }
            done.get(10, TimeUnit.MINUTES);
            long nanos = System.nanoTime() - start;
            requests.onCompleted();
            return new Result(sensor, sent, accepted.get(), batches, nanos);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A few distinct batches of realistic-looking flows, encoded once without a sequence number. Each send
     * prefixes field 1 (the sequence) to the same bytes, so the load client spends its CPU on sending, not on
     * protobuf encoding, just as the clickhouse-client reference reads rows already encoded.
     */
    private List<ByteString> templates(String marker) {
        Random random = new Random(sensor.hashCode());
        long now = System.currentTimeMillis();
        List<ByteString> batches = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            FlowBatch.Builder batch = FlowBatch.newBuilder();
            for (int i = 0; i < batchSize; i++) {
                batch.addFlows(flow(random, now - random.nextInt(60_000), marker));
            }
            batches.add(encode(batch.build()));
        }
        return batches;
    }

    private static ByteString encode(FlowBatch batch) {
        return batch.toByteString();
    }

    private static List<Flow> decode(ByteString batch) {
        try {
            return FlowBatch.parseFrom(batch).getFlowsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** FlowBatch wire bytes: field 1 (sequence, varint) followed by the pre-encoded flows (field 2). */
    private static byte[] withSequence(long sequence, ByteString flowsField) {
        try {
            ByteString.Output out = ByteString.newOutput(flowsField.size() + 11);
            CodedOutputStream coded = CodedOutputStream.newInstance(out, 16);
            coded.writeUInt64(FlowBatch.SEQUENCE_FIELD_NUMBER, sequence);
            coded.flush();
            flowsField.writeTo(out);
            return out.toByteString().toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Export with requests sent as ready-made bytes (also the bad-input tests' raw stream). */
    public static final MethodDescriptor<byte[], Ack> EXPORT_PRE_ENCODED = FlowIngestGrpc.getExportMethod()
            .toBuilder(new MethodDescriptor.Marshaller<byte[]>() {
                @Override
                public InputStream stream(byte[] value) {
                    return new ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(InputStream stream) {
                    try {
                        return stream.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, FlowIngestGrpc.getExportMethod().getResponseMarshaller())
            .build();

    private static Flow flow(Random r, long start, String marker) {
        int kind = r.nextInt(100);
        Flow.Builder f = Flow.newBuilder().setStartTimeMs(start).setIpVersion(4)
                .setOrigAddr(ipv4(10, 1, r.nextInt(4), 1 + r.nextInt(250)))
                .setOrigPort(32_768 + r.nextInt(28_000)).setCommunityId(marker);
        if (kind < 55) {
            f.setProtocol(6).setRespAddr(ipv4(93, 184, r.nextInt(256), r.nextInt(256))).setRespPort(443)
                    .setOrigPackets(10 + r.nextInt(40)).setOrigBytes(1_500 + r.nextInt(20_000))
                    .setRespPackets(12 + r.nextInt(80)).setRespBytes(8_000 + r.nextInt(400_000))
                    .setOrigTcpFlags(0x1B).setRespTcpFlags(0x1B).setConnState(ConnState.SF).setHistory("ShADadfF")
                    .setEndTimeMs(start + r.nextInt(30_000));
        } else if (kind < 85) {
            f.setProtocol(17).setRespAddr(ipv4(10, 1, 0, 53)).setRespPort(53).setOrigPackets(1).setOrigBytes(70)
                    .setRespPackets(1).setRespBytes(140 + r.nextInt(300)).setConnState(ConnState.SF).setHistory("Dd")
                    .setEndTimeMs(start + r.nextInt(50));
        } else if (kind < 95) {
            f.setProtocol(6).setRespAddr(ipv4(10, 1, 2, 10 + r.nextInt(20))).setRespPort(22)
                    .setOrigPackets(30 + r.nextInt(300)).setOrigBytes(4_000 + r.nextInt(90_000))
                    .setRespPackets(30 + r.nextInt(300)).setRespBytes(6_000 + r.nextInt(200_000))
                    .setOrigTcpFlags(0x1B).setRespTcpFlags(0x1B).setConnState(ConnState.SF).setHistory("ShADadFf")
                    .setEndTimeMs(start + r.nextInt(600_000) % 50_000);
        } else {
            f.setProtocol(6).setRespAddr(ipv4(10, 1, r.nextInt(4), r.nextInt(256))).setRespPort(r.nextInt(1024))
                    .setOrigPackets(1).setOrigBytes(44).setOrigTcpFlags(0x02)
                    .setConnState(r.nextBoolean() ? ConnState.S0 : ConnState.REJ).setHistory("S")
                    .setEndTimeMs(start);
        }
        return f.build();
    }

    private static ByteString ipv4(int a, int b, int c, int d) {
        return ByteString.copyFrom(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d});
    }

    /** Told how many flows are acknowledged so far. */
    @FunctionalInterface
    public interface ProgressListener {
        void acked(long flows);
    }
}
