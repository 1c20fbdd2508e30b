package io.vigil.detection.sensor;

/** A sensor's key: its customer (ClickHouse tenant_id) and its id. */
public record SensorKey(String customerId, String sensorId) {
}
