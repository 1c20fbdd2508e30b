package io.vigil.sensor.meter;

/** Where the meter hands finished flows: stdout JSON for replay, the spooled exporter next, a counter in benchmarks. */
@FunctionalInterface
public interface FlowSink {
    void accept(MeteredFlow flow);
}
