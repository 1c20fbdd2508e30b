package io.vigil.ingest.export.service;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.proto.ingest.v1.RejectReason;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Ingest's counters. Labels are bounded (reason, table, rpc, status); never a tenant, sensor or address. */
@ApplicationScoped
public class IngestMetrics {

    private final Counter batches;
    private final Counter received;
    private final Counter stored;
    private final Counter duplicates;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final AtomicInteger streams = new AtomicInteger();
    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        batches = registry.counter("vigil.ingest.batches.received");
        received = registry.counter("vigil.ingest.flows.received");
        stored = registry.counter("vigil.ingest.flows.stored");
        duplicates = registry.counter("vigil.ingest.batches.duplicate");
        for (RejectReason reason : RejectReason.values()) {
            if (reason != RejectReason.UNRECOGNIZED && reason != RejectReason.REJECT_REASON_UNSPECIFIED) {
                rejected.put(reason, registry.counter("vigil.ingest.flows.rejected", "reason", reason.name()));
            }
        }
        registry.gauge("vigil.ingest.streams.active", streams);
        // INTERNAL is a bug in ingest and worth an alert: its series exist from the start, at 0.
        for (MethodDescriptor<?, ?> rpc : FlowIngestGrpc.getServiceDescriptor().getMethods()) {
            callFailures(rpc.getBareMethodName(), Status.Code.INTERNAL);
        }
    }

    /** A call ingest ended with an error status; {@code rpc} is a FlowIngest method's bare name (Export, Heartbeat). */
    public void callFailed(String rpc, Status.Code status) {
        callFailures(rpc, status).increment();
    }

    private Counter callFailures(String rpc, Status.Code status) {
        return registry.counter("vigil.ingest.calls.failed", "rpc", rpc, "status", status.name());
    }

    public void batch(int flows) {
        batches.increment();
        received.increment(flows);
    }

    public void stored(int flows) {
        stored.increment(flows);
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void rejected(RejectReason reason, int count) {
        rejected.get(reason).increment(count);
    }

    public void streamOpened() {
        streams.incrementAndGet();
    }

    public void streamClosed() {
        streams.decrementAndGet();
    }
}
