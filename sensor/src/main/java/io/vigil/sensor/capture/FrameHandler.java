package io.vigil.sensor.capture;

/** Receives raw frames from a capture source, in capture order, on the capture thread. */
@FunctionalInterface
public interface FrameHandler {
    /**
     * @param tsMicros  capture time, µs since the Unix epoch
     * @param data      the captured bytes (only valid during the call)
     * @param caplen    bytes captured
     * @param linkType  the source's DLT
     */
    void frame(long tsMicros, byte[] data, int caplen, int linkType);
}
