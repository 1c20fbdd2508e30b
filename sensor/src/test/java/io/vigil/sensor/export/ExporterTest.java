package io.vigil.sensor.export;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.proto.ingest.v1.HeartbeatReply;
import io.vigil.proto.ingest.v1.SensorStatus;
import io.vigil.sensor.spool.Spool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporter against a fake ingest on loopback that follows the Export semantics (initial Ack with the stored
 * mark, in-order Acks, duplicates acknowledged) and misbehaves on cue: it stores a batch and dies before the Ack,
 * then refuses a token.
 */
class ExporterTest {

    @TempDir
    Path dir;

    private Server server;
    private ManagedChannel channel;
    private Exporter exporter;

    /** A fake ingest: the mark, what it stored (sequence -> times), and a script of how each stream ends. */
    static final class FakeIngest extends FlowIngestGrpc.FlowIngestImplBase {
        final AtomicLong mark = new AtomicLong();
        final Map<Long, Integer> stored = new ConcurrentHashMap<>();
        final AtomicInteger streams = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        final List<SensorStatus> heartbeats = Collections.synchronizedList(new ArrayList<>());
        static final Context.Key<String> AUTH = Context.key("auth");

        @Override
        public StreamObserver<FlowBatch> export(StreamObserver<Ack> acks) {
            int stream = streams.incrementAndGet();
            tokens.add(AUTH.get());
            if (stream == 2) {
                acks.onError(Status.UNAUTHENTICATED.withDescription("access token expired").asException());
                return new StreamObserver<>() {
                    public void onNext(FlowBatch b) { }
                    public void onError(Throwable t) { }
                    public void onCompleted() { }
                };
            }
            acks.onNext(Ack.newBuilder().setInitial(true).setSequence(mark.get()).build());
            return new StreamObserver<>() {
                long last;
                boolean dead;

                @Override
                public synchronized void onNext(FlowBatch b) {
                    if (dead) {
                        return;
                    }
                    assertTrue(b.getSequence() > last, "strictly increasing within a stream");
                    last = b.getSequence();
                    if (b.getSequence() <= mark.get()) {
                        duplicates.incrementAndGet();
                        acks.onNext(Ack.newBuilder().setSequence(mark.get()).setDuplicate(true).build());
                        return;
                    }
                    stored.merge(b.getSequence(), 1, Integer::sum);
                    mark.set(b.getSequence());
                    if (stream == 1 && b.getSequence() == 4) {
                        dead = true; // stored, then "killed" before the Ack went out
                        acks.onError(Status.UNAVAILABLE.withDescription("ingest went away").asException());
                        return;
                    }
                    acks.onNext(Ack.newBuilder().setSequence(b.getSequence()).setAccepted(b.getFlowsCount()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    acks.onCompleted();
                }
            };
        }

        @Override
        public void heartbeat(SensorStatus request, StreamObserver<HeartbeatReply> reply) {
            heartbeats.add(request);
            reply.onNext(HeartbeatReply.newBuilder().setServerTimeMs(System.currentTimeMillis()).build());
            reply.onCompleted();
        }
    }

    /** Hands out t1, t2, ...; a new one only after invalidate(). */
    static final class CountingTokens implements AccessTokens {
        final AtomicInteger fetched = new AtomicInteger();
        TokenSource.Token current;

        @Override
        public synchronized TokenSource.Token get() {
            if (current == null) {
                long now = System.currentTimeMillis();
                current = new TokenSource.Token("t" + fetched.incrementAndGet(), now, now + 300_000);
            }
            return current;
        }

        @Override
        public synchronized void invalidate() {
            current = null;
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (exporter != null) {
            exporter.close();
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private FakeIngest start() throws Exception {
        FakeIngest ingest = new FakeIngest();
        ServerInterceptor auth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                String v = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
                return Contexts.interceptCall(Context.current().withValue(FakeIngest.AUTH, v), call, headers, next);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(ingest, auth)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        return ingest;
    }

    private static FlowBatch.Builder batch(int flows) {
        FlowBatch.Builder b = FlowBatch.newBuilder();
        for (int i = 0; i < flows; i++) {
            b.addFlows(Flow.newBuilder().setIpVersion(4).setProtocol(17).setOrigPort(i)
                    .setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 1}))
                    .setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 2})));
        }
        return b;
    }

    @Test
    void resendsWhatWasNotAcknowledgedAfterAStreamDiesAndRefreshesARefusedToken() throws Exception {
        FakeIngest ingest = start();
        Spool spool = Spool.open(dir, 1L << 30);
        for (int i = 0; i < 10; i++) {
            spool.append(batch(3), false);
        }
        CountingTokens tokens = new CountingTokens();
        ExportConfig config = new ExportConfig("unused", false, null, 2000, Duration.ofSeconds(1),
                Duration.ofMillis(300), 32, false);
        exporter = new Exporter(config, spool, tokens, () -> SensorStatus.newBuilder().setVersion("test").build(),
                channel);
        exporter.start();
        assertTrue(spool.awaitEmpty(20, TimeUnit.SECONDS), "everything acknowledged; spool " + spool.sequences());

        for (long s = 1; s <= 10; s++) {
            assertEquals(1, ingest.stored.get(s), "batch " + s + " stored exactly once: " + ingest.stored);
        }
        assertTrue(ingest.streams.get() >= 3, "died, refused, then succeeded");
        assertEquals(List.of("Bearer t1", "Bearer t1", "Bearer t2"), ingest.tokens.subList(0, 3),
                "the refused token is replaced before the next stream");
        assertEquals(10, ingest.mark.get());

        spool.append(batch(2), false);
        assertTrue(spool.awaitEmpty(10, TimeUnit.SECONDS), "new batches flow on the open stream");
        assertEquals(1, ingest.stored.get(11L));
        assertEquals(10 * 3 + 2 - 3, exporter.flowsAccepted(), "Acks counted (batch 4's Ack was lost)");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ingest.heartbeats.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("test", ingest.heartbeats.get(0).getVersion(), "heartbeats carry the status");
    }

    @Test
    void continuesAboveTheStoredMarkAfterTheInitialAck() throws Exception {
        FakeIngest ingest = start();
        ingest.mark.set(1000);
        ingest.streams.set(10); // no scripted failures
        Spool spool = Spool.open(dir, 1L << 30);
        spool.append(batch(1), false);
        exporter = new Exporter(new ExportConfig("unused", false, null, 2000, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 32, false), spool, new CountingTokens(), SensorStatus::getDefaultInstance, channel);
        exporter.start();
        assertTrue(spool.awaitEmpty(10, TimeUnit.SECONDS));
        assertEquals(1, ingest.stored.get(1001L), "the never-sent batch was renumbered above the mark, not lost");
        assertEquals(1002, spool.append(batch(1), false).sequence());
        assertTrue(spool.awaitEmpty(10, TimeUnit.SECONDS));
        assertEquals(0, ingest.duplicates.get());
    }
}
