package io.vigil.ingest.export.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vigil.ingest.clickhouse.RowBinaryBuffer;
import static io.vigil.lib.clickhouse.ClickHouseQueries.rootMessage;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.export.repository.FlowRepository;
import io.vigil.ingest.export.service.FlowFields;
import io.vigil.ingest.export.service.FlowRowEncoder;
import io.vigil.ingest.export.service.FlowValidator;
import io.vigil.ingest.export.service.IngestMetrics;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.RejectCount;
import io.vigil.proto.ingest.v1.RejectReason;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One sensor's Export stream: decodes, validates and encodes each batch, hands it to storage, and sends the Acks strictly
 * in batch order as storage confirms them. It reads ahead at most {@code streamWindow} batches (gRPC manual flow
 * control), so while ClickHouse is down the sensor is held back instead of ingest buffering without bound.
 */
final class ExportStream implements StreamObserver<RawFlowBatch> {

    private static final Logger LOG = Logger.getLogger(ExportStream.class);

    private final SensorIdentity sensor;
    private final ServerCallStreamObserver<Ack> out;
    private final FlowRepository repository;
    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final FlowRowEncoder encoder;
    private final FlowFields flow = new FlowFields();
    private final CallerContext caller = new CallerContext();
    private final Vertx vertx;
    private final Consumer<ExportStream> onSettled;
    private final ArrayDeque<CompletableFuture<Ack>> pending = new ArrayDeque<>();
    private long storedHighWater = -1;
    private long lastSequence;
    private boolean closed;
    private boolean halfClosed;
    private long expiryTimer = -1;

    ExportStream(SensorIdentity sensor, ServerCallStreamObserver<Ack> out, FlowRepository repository,
                 IngestConfig config, IngestMetrics metrics, Vertx vertx, Consumer<ExportStream> onSettled) {
        this.sensor = sensor;
        this.out = out;
        this.repository = repository;
        this.config = config;
        this.metrics = metrics;
        this.encoder = new FlowRowEncoder(sensor.tenantId(), sensor.sensorId());
        this.vertx = vertx;
        this.onSettled = onSettled;
        out.setOnCancelHandler(() -> caller.run(this::cancelled));
        metrics.streamOpened();
    }

    /** Once {@code previous} (an older stream of the same sensor) has settled, reads the stored high-water mark and opens the window. */
    void start(CompletableFuture<Void> previous, Executor blocking) {
        previous.thenApplyAsync(v -> repository.storedHighWater(sensor), blocking).whenComplete((highWater, error) ->
                caller.run(() -> guarded(() -> "opening the stream", () -> {
                    if (error != null) {
                        fail(Status.UNAVAILABLE.withDescription("flow storage is unavailable ("
                                + rootMessage(error) + "); reconnect with backoff"));
                        return;
                    }
                    if (closed) {
                        return;
                    }
                    storedHighWater = highWater;
                    out.onNext(Ack.newBuilder().setInitial(true).setSequence(highWater).build());
                    long ttlMillis = sensor.expiresAtSeconds() * 1000 - System.currentTimeMillis();
                    expiryTimer = vertx.setTimer(Math.max(1, ttlMillis), id -> caller.run(() -> fail(Status.UNAUTHENTICATED
                            .withDescription("access token expired; reconnect with a fresh token"))));
                    LOG.debugf("export stream open: tenant=%s sensor=%s high-water=%d", sensor.tenantId(),
                            sensor.sensorId(), highWater);
                    out.request(config.streamWindow());
                })));
    }

    /** Never throws: see {@link #guarded}. */
    @Override
    public synchronized void onNext(RawFlowBatch batch) {
        guarded(() -> "on FlowBatch " + Long.toUnsignedString(batch.sequence), () -> receive(batch));
    }

    private void receive(RawFlowBatch batch) {
        if (closed) {
            return;
        }
        if (storedHighWater < 0) {
            fail(Status.FAILED_PRECONDITION.withDescription("a batch arrived before the stream's initial Ack"));
            return;
        }
        if (batch.wire.length > config.maxBatchBytes()) {
            fail(Status.RESOURCE_EXHAUSTED.withDescription("FlowBatch of " + batch.wire.length + " bytes; the limit is "
                    + config.maxBatchBytes() + " bytes"));
            return;
        }
        if (batch.failure != null) {
            fail(batch.failure);
            return;
        }
        long sequence = batch.sequence;
        int flows = batch.flowCount;
        if (sequence == 0) {
            fail(Status.INVALID_ARGUMENT.withDescription("FlowBatch.sequence must be > 0"));
            return;
        }
        if (Long.compareUnsigned(sequence, lastSequence) <= 0) {
            fail(Status.INVALID_ARGUMENT.withDescription("FlowBatch.sequence " + Long.toUnsignedString(sequence)
                    + " is not above the previous batch's " + lastSequence + " on this stream"));
            return;
        }
        if (flows > config.maxBatchFlows()) {
            fail(Status.RESOURCE_EXHAUSTED.withDescription("FlowBatch " + sequence + " has " + flows
                    + " flows; the limit is " + config.maxBatchFlows()));
            return;
        }
        if (pending.size() >= config.streamWindow()) {
            fail(Status.RESOURCE_EXHAUSTED.withDescription("more than " + config.streamWindow()
                    + " unacknowledged batches on one stream"));
            return;
        }
        lastSequence = sequence;
        metrics.batch(flows);
        if (Long.compareUnsigned(sequence, storedHighWater) <= 0) {
            metrics.duplicate();
            enqueue(CompletableFuture.completedFuture(Ack.newBuilder().setSequence(storedHighWater)
                    .setDuplicate(true).build()));
            return;
        }
        try {
            enqueue(store(batch));
        } catch (InvalidProtocolBufferException e) {
            fail(Status.INVALID_ARGUMENT.withDescription("malformed Flow in FlowBatch " + sequence + ": " + e.getMessage()));
        }
    }

    private CompletableFuture<Ack> store(RawFlowBatch batch) throws InvalidProtocolBufferException {
        long now = System.currentTimeMillis();
        long oldest = now - config.retention().toMillis();
        long newest = now + config.maxClockSkew().toMillis();
        long receivedAt = now / 1000;
        int[] rejected = new int[RejectReason.values().length];
        RowBinaryBuffer rows = new RowBinaryBuffer(batch.flowCount * 160);
        int accepted = 0;
        for (int i = 0; i < batch.flowCount; i++) {
            flow.decode(batch.wire, batch.flowOffsets[i], batch.flowLengths[i]);
            RejectReason reason = FlowValidator.check(flow, oldest, newest);
            if (reason != null) {
                rejected[reason.ordinal()]++;
            } else {
                encoder.encode(rows, batch.sequence, receivedAt, flow);
                accepted++;
            }
        }
        Ack.Builder ack = Ack.newBuilder().setSequence(batch.sequence).setAccepted(accepted);
        for (RejectReason reason : RejectReason.values()) {
            if (reason != RejectReason.UNRECOGNIZED && rejected[reason.ordinal()] > 0) {
                ack.addRejected(RejectCount.newBuilder().setReason(reason).setCount(rejected[reason.ordinal()]));
                metrics.rejected(reason, rejected[reason.ordinal()]);
            }
        }
        if (accepted == 0) {
            return CompletableFuture.completedFuture(ack.build());
        }
        int stored = accepted;
        return repository.store(sensor, batch.sequence, rows.array(), rows.size(), accepted, receivedAt)
                .thenApply(v -> {
                    metrics.stored(stored);
                    return ack.build();
                });
    }

    private void enqueue(CompletableFuture<Ack> ack) {
        pending.add(ack);
        ack.whenComplete((a, e) -> caller.run(() -> guarded(() -> "sending Acks", this::flushAcks)));
    }

    /** Sends the Acks at the head of the queue that are ready, in order, and reads one more batch for each. */
    private synchronized void flushAcks() {
        while (!pending.isEmpty() && pending.peek().isDone()) {
            CompletableFuture<Ack> head = pending.poll();
            if (closed) {
                continue;
            }
            if (head.isCompletedExceptionally()) {
                fail(Status.UNAVAILABLE.withDescription("ingest is shutting down; reconnect"));
                continue;
            }
            out.onNext(head.join());
            out.request(1);
        }
        if (halfClosed && pending.isEmpty() && !closed) {
            closed = true;
            out.onCompleted();
            finish();
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        cancelled();
    }

    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        guarded(() -> "at the sensor's end of the stream", this::flushAcks);
    }

    /** Ends this stream because the same sensor opened a newer one; completes once its stored-or-not writes settle. */
    synchronized CompletableFuture<Void> supersede() {
        caller.run(() -> fail(Status.ABORTED.withDescription("superseded by a newer Export stream of this sensor")));
        return settled();
    }

    private synchronized void cancelled() {
        if (!closed) {
            closed = true;
            finish();
        }
    }

    /**
     * Runs one of the stream's handlers so that nothing escapes to gRPC: an exception there ends the stream with
     * INTERNAL and the reason, logged and counted like every other end. Escaping, it would reach Quarkus's gRPC
     * exception handler, which answers UNKNOWN with the exception's text and logs nothing, and it would leave this
     * stream registered with its expiry timer running.
     */
    private synchronized void guarded(Supplier<String> doing, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            fail(Status.INTERNAL.withCause(e).withDescription("ingest failed " + doing.get() + " (" + e
                    + "); the stream ends here: resend the batches not yet acknowledged"));
        }
    }

    /** Ends the stream with {@code status}: the sensor gets it, and CallFailures logs and counts it, once. */
    private synchronized void fail(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        CallFailures.report(metrics, CallFailures.EXPORT, sensor, status);
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException alreadyClosed) {
            LOG.tracef("stream already closed: %s", alreadyClosed.getMessage());
        }
        finish();
    }

    /**
     * Unregisters the stream only once its in-flight writes have settled: a newer stream of the same sensor must
     * read the stored high-water mark after them, or it would have the sensor resend batches being stored.
     */
    private void finish() {
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
        }
        metrics.streamClosed();
        settled().thenRun(() -> onSettled.accept(this));
    }

    private CompletableFuture<Void> settled() {
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null);
    }
}
