package io.vigil.ingest.export.grpc;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import io.vigil.ingest.export.IngestConfig;
import io.vigil.ingest.export.repository.FlowRepository;
import io.vigil.ingest.export.service.IngestMetrics;
import io.vigil.ingest.heartbeat.HeartbeatRepository;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.logging.TenantMdc;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.proto.ingest.v1.HeartbeatReply;
import io.vigil.proto.ingest.v1.InterfaceStatus;
import io.vigil.proto.ingest.v1.SensorStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The FlowIngest gRPC service. The tenant and sensor come only from the verified access token; on this pod a
 * sensor has at most one Export stream, and a newer one takes over once the older one's writes have settled, so
 * the stored high-water mark it starts from is exact.
 */
@GrpcService
public class FlowIngestService implements BindableService {

    private static final int MAX_INTERFACES = 64;
    private static final int MAX_TEXT = 64;

    private final SecurityIdentity identity;
    private final FlowRepository flows;
    private final HeartbeatRepository heartbeats;
    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final Vertx vertx;
    private final ConcurrentMap<String, ExportStream> streams = new ConcurrentHashMap<>();

    public FlowIngestService(SecurityIdentity identity, FlowRepository flows, HeartbeatRepository heartbeats,
                             IngestConfig config, IngestMetrics metrics, Vertx vertx) {
        this.identity = identity;
        this.flows = flows;
        this.heartbeats = heartbeats;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /**
     * The generated service definition, except that Export reads requests as {@link RawFlowBatch}: ingest decodes
     * flows from the wire bytes itself rather than building a protobuf object per flow.
     */
    @Override
    public ServerServiceDefinition bindService() {
        MethodDescriptor<FlowBatch, Ack> generated = FlowIngestGrpc.getExportMethod();
        MethodDescriptor<RawFlowBatch, Ack> export = generated.toBuilder(RawFlowBatch.MARSHALLER,
                generated.getResponseMarshaller()).build();
        ServiceDescriptor service = FlowIngestGrpc.getServiceDescriptor();
        ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(service.getName())
                .setSchemaDescriptor(service.getSchemaDescriptor())
                .addMethod(export)
                .addMethod(FlowIngestGrpc.getHeartbeatMethod())
                .build();
        return ServerServiceDefinition.builder(descriptor)
                .addMethod(export, ServerCalls.asyncBidiStreamingCall(this::export))
                .addMethod(FlowIngestGrpc.getHeartbeatMethod(), ServerCalls.asyncUnaryCall(this::heartbeat))
                .build();
    }

    StreamObserver<RawFlowBatch> export(StreamObserver<Ack> responseObserver) {
        SensorIdentity sensor;
        try {
            sensor = SensorIdentity.from(identity);
        } catch (StatusRuntimeException e) {
            refuse(CallFailures.EXPORT, null, responseObserver, e.getStatus());
            return new DiscardingObserver<>();
        }
        logAs(sensor);
        ServerCallStreamObserver<Ack> call = (ServerCallStreamObserver<Ack>) responseObserver;
        call.disableAutoRequest();
        ExportStream stream = new ExportStream(sensor, call, flows, config, metrics, vertx,
                ended -> streams.remove(sensor.key(), ended));
        ExportStream previous = streams.put(sensor.key(), stream);
        CompletableFuture<Void> settled = previous == null ? CompletableFuture.completedFuture(null) : previous.supersede();
        stream.start(settled, Infrastructure.getDefaultWorkerPool());
        return stream;
    }

    void heartbeat(SensorStatus status, StreamObserver<HeartbeatReply> responseObserver) {
        SensorIdentity sensor = null;
        try {
            sensor = SensorIdentity.from(identity);
            logAs(sensor);
            validate(status);
            store(sensor, status, responseObserver);
        } catch (StatusRuntimeException e) {
            refuse(CallFailures.HEARTBEAT, sensor, responseObserver, e.getStatus());
        } catch (RuntimeException e) {
            // Escaping, it would become UNKNOWN with no line in ingest's log (Quarkus's gRPC exception handler).
            refuse(CallFailures.HEARTBEAT, sensor, responseObserver, Status.INTERNAL.withCause(e)
                    .withDescription("ingest failed to store the heartbeat (" + e + ")"));
        }
    }

    /** The rest of the call's log lines on its own context name the sensor's tenant (the call's context ends with it). */
    private static void logAs(SensorIdentity sensor) {
        TenantMdc.put(TenantMdc.Key.TENANT, sensor.tenantId());
        TenantMdc.put(TenantMdc.Key.SENSOR, sensor.sensorId());
    }

    private void store(SensorIdentity sensor, SensorStatus status, StreamObserver<HeartbeatReply> responseObserver) {
        CallerContext caller = new CallerContext();
        long now = System.currentTimeMillis();
        heartbeats.store(sensor, status, now / 1000).whenComplete((v, error) -> caller.run(() -> {
            if (error != null) {
                refuse(CallFailures.HEARTBEAT, sensor, responseObserver,
                        Status.UNAVAILABLE.withDescription("ingest is shutting down"));
            } else {
                responseObserver.onNext(HeartbeatReply.newBuilder().setServerTimeMs(now).build());
                responseObserver.onCompleted();
            }
        }));
    }

    private void refuse(String rpc, SensorIdentity sensor, StreamObserver<?> responseObserver, Status status) {
        CallFailures.report(metrics, rpc, sensor, status);
        responseObserver.onError(status.asRuntimeException());
    }

    private static void validate(SensorStatus status) {
        if (status.getVersion().length() > MAX_TEXT) {
            throw invalid("SensorStatus.version is longer than " + MAX_TEXT + " characters");
        }
        if (status.getInterfacesCount() > MAX_INTERFACES) {
            throw invalid("SensorStatus has " + status.getInterfacesCount() + " interfaces; the limit is " + MAX_INTERFACES);
        }
        for (InterfaceStatus i : status.getInterfacesList()) {
            if (i.getName().isEmpty() || i.getName().length() > MAX_TEXT) {
                throw invalid("InterfaceStatus.name must be 1-" + MAX_TEXT + " characters");
            }
        }
    }

    private static StatusRuntimeException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    /** Swallows what a client sends after its stream was refused. */
    private static final class DiscardingObserver<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
