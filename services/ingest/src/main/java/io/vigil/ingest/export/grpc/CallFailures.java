package io.vigil.ingest.export.grpc;

import io.grpc.Status;
import io.vigil.ingest.export.service.IngestMetrics;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.logging.TenantMdc;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import org.jboss.logging.Logger;

/**
 * How FlowIngest's handlers account for a call they end with an error status: one log line naming the sensor's tenant
 * and id, and one count in {@code vigil_ingest_calls_failed_total} by RPC and status. The sensor gets the status and
 * its description; this is the server's side of the same story.
 */
final class CallFailures {

    static final String EXPORT = FlowIngestGrpc.getExportMethod().getBareMethodName();
    static final String HEARTBEAT = FlowIngestGrpc.getHeartbeatMethod().getBareMethodName();

    private static final Logger LOG = Logger.getLogger(CallFailures.class);

    private CallFailures() {
    }

    /**
     * INTERNAL is a fault in ingest: an error with the stack trace of the status's cause. What a sensor sent against
     * the contract, or a token that is no sensor's, is a warning. Ends that are part of normal operation (a newer
     * stream, token expiry, storage down and logged by the inserter, shutdown) stay at debug.
     */
    static void report(IngestMetrics metrics, String rpc, SensorIdentity sensor, Status status) {
        metrics.callFailed(rpc, status.getCode());
        String who = sensor == null ? "a caller without a sensor identity"
                : "tenant=" + sensor.tenantId() + " sensor=" + sensor.sensorId();
        // Calls end on insert and timer threads too, away from the call's context: the line names its tenant itself.
        try (TenantMdc.Scope ignored = TenantMdc.open(sensor == null ? null : sensor.tenantId(),
                sensor == null ? null : sensor.sensorId())) {
            switch (status.getCode()) {
                case INTERNAL ->
                        LOG.errorf(status.getCause(), "%s of %s ended: INTERNAL %s", rpc, who, status.getDescription());
                case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, PERMISSION_DENIED ->
                        LOG.warnf("%s of %s ended: %s %s", rpc, who, status.getCode(), status.getDescription());
                default -> LOG.debugf("%s of %s ended: %s %s", rpc, who, status.getCode(), status.getDescription());
            }
        }
    }
}
