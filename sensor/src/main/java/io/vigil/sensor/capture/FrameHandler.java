package io.vigil.sensor.capture;

/** Receives raw frames from a capture source, in capture order, on the capture thread. */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param tsMicros  capture time, µs since the Unix epoch
     * @param data      holds the captured bytes (only valid during the call; may hold other frames too)
     * @param offset    where the frame starts in {@code data}
     * @param caplen    bytes captured
     * @param linkType  the source's DLT
     */
    void frame(long tsMicros, byte[] data, int offset, int caplen, int linkType);
}
