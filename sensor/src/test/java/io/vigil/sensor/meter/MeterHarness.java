package io.vigil.sensor.meter;

import io.vigil.sensor.decode.DecodedPacket;
import io.vigil.sensor.decode.PacketDecoder;

import java.util.ArrayList;
import java.util.List;

/** Drives a meter with hand-built frames at given times and collects what it exports. */
final class MeterHarness {
    final List<MeteredFlow> flows = new ArrayList<>();
    final FlowMeter meter;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private long t = 1_600_000_000_000_000L;

    MeterHarness() {
        this(MeterConfig.defaults().withMaxFlows(1024));
    }

    MeterHarness(MeterConfig config) {
        meter = new FlowMeter(config, flows::add);
    }

    /** Sends an Ethernet frame {@code afterMillis} after the previous one. */
    MeterHarness send(long afterMillis, byte[] frame) {
        t += afterMillis * 1000;
        int rc = decoder.decode(frame, frame.length, PacketDecoder.DLT_EN10MB, packet);
        if (rc != PacketDecoder.OK) {
            throw new AssertionError("frame did not decode: " + rc);
        }
        meter.packet(t, packet);
        return this;
    }

    MeterHarness idle(long millis) {
        t += millis * 1000;
        meter.advance(t);
        return this;
    }

    List<MeteredFlow> flush() {
        meter.flush();
        return flows;
    }

    MeteredFlow only() {
        meter.flush();
        if (flows.size() != 1) {
            throw new AssertionError("expected one flow, got " + flows);
        }
        return flows.get(0);
    }
}
