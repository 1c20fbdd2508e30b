package io.vigil.sensor.meter;

/** Where the meter hands finished flows: stdout JSON for replay, the spooled exporter next, a counter in benchmarks. */
@FunctionalInterface
public interface FlowSink {
    void accept(MeteredFlow flow);

    /**
     * A sink that keeps only each flow's wire bytes (the spooled exporter, which batches them). A meter that can
     * write those bytes itself ({@link FlowStitcher}) hands them to {@link #acceptWire} instead of building a
     * {@link MeteredFlow}, its address arrays and its Community ID string, only for them to be encoded and dropped.
     */
    interface Wire extends FlowSink {
        /**
         * The flow's bytes, {@code bytes[0..length)}: exactly what {@code FlowProtos.toByteArray} gives for the
         * flow {@link #accept} would have had. The array is reused once this returns.
         */
        void acceptWire(byte[] bytes, int length);
    }
}
