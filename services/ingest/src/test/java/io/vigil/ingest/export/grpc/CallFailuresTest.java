package io.vigil.ingest.export.grpc;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vigil.ingest.export.service.IngestMetrics;
import io.vigil.ingest.sensor.SensorIdentity;
import io.vigil.lib.logging.TenantMdc;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CallFailuresTest {

    @Test
    void theLineOfAFailedCallNamesTheSensorsTenantAndSensorInTheMdc() {
        List<ExtLogRecord> lines = capture(() -> CallFailures.report(new IngestMetrics(new SimpleMeterRegistry()),
                CallFailures.EXPORT, new SensorIdentity("a1", "sensor-1", 0),
                Status.INVALID_ARGUMENT.withDescription("FlowBatch.sequence must be > 0")));
        assertEquals(1, lines.size());
        assertEquals("a1", lines.get(0).getMdc(TenantMdc.Key.TENANT.mdcKey()));
        assertEquals("sensor-1", lines.get(0).getMdc(TenantMdc.Key.SENSOR.mdcKey()));
        assertNull(TenantMdc.get(TenantMdc.Key.TENANT), "the thread's MDC is as it was after the line");
    }

    @Test
    void aCallerWithoutASensorIdentityLogsNoTenant() {
        List<ExtLogRecord> lines = capture(() -> CallFailures.report(new IngestMetrics(new SimpleMeterRegistry()),
                CallFailures.HEARTBEAT, null, Status.PERMISSION_DENIED.withDescription("not a sensor")));
        assertEquals(1, lines.size());
        assertNull(lines.get(0).getMdc(TenantMdc.Key.TENANT.mdcKey()));
    }

    private static List<ExtLogRecord> capture(Runnable action) {
        List<ExtLogRecord> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                ExtLogRecord ext = (ExtLogRecord) r;
                ext.copyMdc();
                lines.add(ext);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(CallFailures.class.getName());
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return lines;
    }
}
