package io.vigil.ingest.export.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.export.repository.FlowRepository;
import io.vigil.ingest.export.service.IngestMetrics;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.ingest.support.ExportClient;
import io.vigil.ingest.support.Flows;
import io.vigil.ingest.support.LogCapture;
import io.vigil.ingest.support.Stack;
import io.vigil.proto.ingest.v1.Ack;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ExportStream with ingest's real storage, config and metrics (ClickHouse from scripts/stack), fed a batch that makes
 * it fail inside, which no well-formed request can do once the stale-offset bug is fixed. Only the gRPC call is a
 * stand-in ({@link RecordingCall}): it is the one place the fault can be injected.
 */
@QuarkusTest
class ExportStreamIT {

    @Inject
    FlowRepository flows;
    @Inject
    IngestConfig config;
    @Inject
    IngestMetrics metrics;
    @Inject
    MeterRegistry registry;
    @Inject
    Vertx vertx;

    @Test
    void aFailureInsideAHandlerEndsTheStreamWithInternalAndTheReasonLoggedAndCounted() throws Exception {
        String sensorId = "guard-" + Long.toString(System.nanoTime(), 36);
        SensorIdentity sensor = new SensorIdentity("a1", sensorId, System.currentTimeMillis() / 1000 + 300);
        RecordingCall call = new RecordingCall();
        ExportStream stream = new ExportStream(sensor, call, flows, config, metrics, vertx, ended -> { });
        stream.start(CompletableFuture.completedFuture(null), ForkJoinPool.commonPool());
        Ack initial = call.sensor.nextAck(30, TimeUnit.SECONDS);
        assertTrue(initial.getInitial(), "the first Ack is the initial one: " + initial);

        RawFlowBatch batch = RawFlowBatch.MARSHALLER.parse(Flows.batch(initial.getSequence() + 1, Flows.marker(), 2)
                .toByteString().newInput());
        // As a decoding bug would: the second flow said to lie beyond the end of its batch.
        batch.flowOffsets[1] = batch.wire.length + 1_000;
        Counter internal = registry.get("vigil.ingest.calls.failed").tags("rpc", "Export", "status", "INTERNAL").counter();
        double before = internal.count();
        try (LogCapture log = new LogCapture(CallFailures.class.getName())) {
            assertDoesNotThrow(() -> stream.onNext(batch));

            Status end = call.sensor.awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.INTERNAL, end.getCode(), end.toString());
            assertTrue(end.getDescription().startsWith("ingest failed on FlowBatch " + (initial.getSequence() + 1)
                    + " (java.lang.ArrayIndexOutOfBoundsException"), end.getDescription());
            List<String> lines = log.containing("sensor=" + sensorId);
            assertEquals(1, lines.size(), "logged once: " + lines);
            assertTrue(lines.get(0).startsWith("ERROR Export of tenant=a1 sensor=" + sensorId + " ended: INTERNAL ingest failed"),
                    lines.get(0));
        }
        assertEquals(before + 1, internal.count());
        assertEquals("0", Stack.clickhouse("SELECT count() FROM flows WHERE tenant_id = 'a1' AND sensor_id = '"
                + sensorId + "' FORMAT TSV"), "nothing of the failed batch is stored");
    }

    /** The server side of one Export call as ExportStream drives it: what it sends goes to the sensor's view of it. */
    private static final class RecordingCall extends ServerCallStreamObserver<Ack> {
        final ExportClient.Responses sensor = new ExportClient.Responses();

        @Override
        public void onNext(Ack ack) {
            sensor.onNext(ack);
        }

        @Override
        public void onError(Throwable t) {
            sensor.onError(t);
        }

        @Override
        public void onCompleted() {
            sensor.onCompleted();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }
    }
}
