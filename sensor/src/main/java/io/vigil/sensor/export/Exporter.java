package io.vigil.sensor.export;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.proto.ingest.v1.RejectCount;
import io.vigil.proto.ingest.v1.SensorStatus;
import io.vigil.sensor.spool.Spool;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends the spool to ingest over the Export stream and deletes what ingest acknowledges.
 *
 * <p>One thread runs one stream at a time: it waits for the initial Ack (ingest's stored mark), lets the spool drop
 * what is already stored, then sends every spooled batch above the mark in order, at most {@code window} ahead of
 * the Acks. Any end of the stream (ingest restarted, WAN cut, token expired) leads to a new stream after an
 * exponential backoff with jitter, which resends whatever is not acknowledged; ingest answers resent batches it
 * already stored as duplicates, so resending is always safe. Shortly before the token expires the stream is
 * drained and reopened with a fresh one, so ingest's expiry close is a fallback rather than the routine.
 */
public final class Exporter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Exporter.class);

    private final ExportConfig config;
    private final Spool spool;
    private final AccessTokens tokens;
    private final Supplier<SensorStatus> status;
    private final ManagedChannel channel;
    private final Backoff backoff = new Backoff(500, 30_000);
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Thread thread;
    private volatile boolean running = true;

    private volatile String connection = "connecting";
    private volatile long lastAckMs;
    private final AtomicLong flowsAccepted = new AtomicLong();
    private final AtomicLong flowsRejected = new AtomicLong();
    private final AtomicLong batchesAcked = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();
    private volatile String lastError = "";

    public Exporter(ExportConfig config, Spool spool, AccessTokens tokens, Supplier<SensorStatus> status)
            throws IOException {
        this(config, spool, tokens, status, channel(config));
    }

    Exporter(ExportConfig config, Spool spool, AccessTokens tokens, Supplier<SensorStatus> status,
             ManagedChannel channel) {
        this.config = config;
        this.spool = spool;
        this.tokens = tokens;
        this.status = status;
        this.channel = channel;
        this.thread = new Thread(this::loop, "vigil-export");
        this.thread.setDaemon(true);
    }

    private static ManagedChannel channel(ExportConfig config) throws IOException {
        ChannelCredentials creds;
        if (config.tls()) {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (config.caFile() != null) {
                b.trustManager(config.caFile().toFile());
            }
            creds = b.build();
        } else {
            creds = InsecureChannelCredentials.create();
        }
        // Keepalive notices a silently cut WAN link (no RST) within about a minute and a half.
        return Grpc.newChannelBuilder(config.target(), creds)
                .keepAliveTime(60, TimeUnit.SECONDS).keepAliveTimeout(20, TimeUnit.SECONDS)
                .maxInboundMessageSize(1 << 20).build();
    }

    public void start() {
        thread.start();
        long every = config.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, Math.min(every, 2_000), every, TimeUnit.MILLISECONDS);
    }

    /** "connected", "connecting", or why the last stream ended and when the next try is. */
    public String connection() {
        return connection;
    }

    /** Wall time of the last Ack, epoch ms; 0 if none yet. */
    public long lastAckMs() {
        return lastAckMs;
    }

    public long flowsAccepted() {
        return flowsAccepted.get();
    }

    public long flowsRejected() {
        return flowsRejected.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public String lastError() {
        return lastError;
    }

    private void loop() {
        while (running) {
            boolean healthy = false;
            Status end;
            try {
                StreamResult r = stream();
                healthy = r.healthy;
                end = r.status;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                end = Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e);
            }
            if (!running) {
                return;
            }
            if (end.getCode() == Status.Code.UNAUTHENTICATED) {
                tokens.invalidate(); // expired or revoked: a new token first
            }
            if (healthy) {
                backoff.reset();
            }
            if (end.isOk()) {
                continue; // a planned token rotation: reconnect at once
            }
            long delay = backoff.nextDelayMs();
            lastError = end.getCode() + (end.getDescription() == null ? "" : ": " + end.getDescription());
            connection = "disconnected (" + lastError + "); retrying in " + delay + " ms";
            if (end.getCode() == Status.Code.PERMISSION_DENIED || end.getCode() == Status.Code.INVALID_ARGUMENT) {
                LOG.errorf("ingest %s refused the sensor: %s; retrying in %d ms", config.target(), lastError, delay);
            } else {
                LOG.warnf("Export stream to %s ended: %s; retrying in %d ms", config.target(), lastError, delay);
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record StreamResult(boolean healthy, Status status) {
    }

    private StreamResult stream() throws IOException, InterruptedException {
        connection = "connecting";
        TokenSource.Token token = tokens.get();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.value());
        if (config.traceContext()) {
            TraceParent trace = TraceParent.random();
            trace.addTo(headers);
            LOG.infof("Export stream opened with trace id %s", trace.traceId());
        }
        Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        CompletableFuture<Long> initial = new CompletableFuture<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        Semaphore window = new Semaphore(0);
        StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
                ch.newCall(EXPORT_RAW, CallOptions.DEFAULT), new StreamObserver<Ack>() {
                    @Override
                    public void onNext(Ack ack) {
                        if (ack.getInitial()) {
                            initial.complete(ack.getSequence());
                            return;
                        }
                        // Counters first: whoever waits for the spool to empty then sees them complete.
                        lastAckMs = System.currentTimeMillis();
                        batchesAcked.incrementAndGet();
                        flowsAccepted.addAndGet(ack.getAccepted());
                        if (ack.getDuplicate()) {
                            duplicates.incrementAndGet();
                        }
                        if (ack.getRejectedCount() > 0) {
                            long n = 0;
                            StringBuilder why = new StringBuilder();
                            for (RejectCount rc : ack.getRejectedList()) {
                                n += rc.getCount();
                                why.append(' ').append(rc.getReason()).append('=').append(rc.getCount());
                            }
                            flowsRejected.addAndGet(n);
                            LOG.warnf("ingest rejected %d flows of batch %d:%s", n, ack.getSequence(), why);
                        }
                        spool.ack(ack.getSequence());
                        window.release();
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status s = Status.fromThrowable(t);
                        initial.completeExceptionally(t);
                        ended.complete(s);
                    }

                    @Override
                    public void onCompleted() {
                        initial.completeExceptionally(new IOException("stream closed before the initial Ack"));
                        ended.complete(Status.UNAVAILABLE.withDescription("ingest closed the stream"));
                    }
                });
        long mark;
        try {
            mark = initial.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return new StreamResult(false, ended.getNow(Status.fromThrowable(e.getCause())));
        } catch (TimeoutException e) {
            ((ClientCallStreamObserver<byte[]>) requests).cancel("no initial Ack in 30 s", null);
            return new StreamResult(false, Status.DEADLINE_EXCEEDED.withDescription("no initial Ack in 30 s"));
        }
        spool.initialAck(mark);
        streams.incrementAndGet();
        lastError = "";
        connection = "connected";
        LOG.infof("Export stream to %s open; ingest has stored up to batch %d; %d batches to send",
                config.target(), mark, spool.stats().batches());
        window.release(config.window());
        long cursor = mark;
        try {
            while (running && !ended.isDone()) {
                if (token.dueForRotation()) {
                    return rotate(requests, window, ended);
                }
                Spool.Entry e = spool.awaitNext(cursor, 200, TimeUnit.MILLISECONDS);
                if (e == null || !window.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                Spool.Batch b = spool.read(e);
                cursor = e.sequence();
                if (b == null) {
                    window.release();
                    continue;
                }
                synchronized (requests) {
                    requests.onNext(b.payload());
                }
            }
            if (!running) {
                ((ClientCallStreamObserver<byte[]>) requests).cancel("sensor stopping", null);
                return new StreamResult(true, Status.CANCELLED);
            }
            return new StreamResult(true, ended.join());
        } catch (RuntimeException e) {
            ((ClientCallStreamObserver<byte[]>) requests).cancel("sensor error", e);
            throw e;
        }
    }

    /** Drains the in-flight batches, half-closes and lets the loop reconnect with a fresh token. */
    private StreamResult rotate(StreamObserver<byte[]> requests, Semaphore window, CompletableFuture<Status> ended)
            throws InterruptedException {
        window.tryAcquire(config.window(), 15, TimeUnit.SECONDS);
        tokens.invalidate();
        synchronized (requests) {
            requests.onCompleted();
        }
        try {
            ended.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            ((ClientCallStreamObserver<byte[]>) requests).cancel("token rotation", null);
        }
        LOG.debug("Export stream rotated for a fresh token");
        return new StreamResult(true, Status.OK);
    }

    private void heartbeat() {
        try {
            TokenSource.Token token = tokens.get();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token.value());
            if (config.traceContext()) {
                TraceParent trace = TraceParent.random();
                trace.addTo(headers);
                LOG.debugf("Heartbeat with trace id %s", trace.traceId());
            }
            FlowIngestGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .heartbeat(status.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debugf("heartbeat failed: %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        heartbeats.shutdownNow();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Export with requests sent as the spooled bytes: no parsing and re-encoding of what is already encoded. */
    private static final MethodDescriptor<byte[], Ack> EXPORT_RAW = FlowIngestGrpc.getExportMethod()
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
}
