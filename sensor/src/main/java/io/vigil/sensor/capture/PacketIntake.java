package io.vigil.sensor.capture;

import io.vigil.sensor.decode.DecodedPacket;
import io.vigil.sensor.decode.PacketDecoder;
import io.vigil.sensor.meter.Defragmenter;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterCounters;

/**
 * The path of every captured frame to the meter, shared by replay and live capture: decode, reassemble IP fragments,
 * meter, and count what is skipped. An unfragmented packet costs one deadline comparison more than the bare decoder
 * and meter, and allocates nothing.
 */
public final class PacketIntake {

    private final FlowMeter meter;
    private final MeterCounters counters;
    private final Defragmenter defrag;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final DecodedPacket reassembled = new DecodedPacket();

    public PacketIntake(FlowMeter meter) {
        this.meter = meter;
        this.counters = meter.counters();
        this.defrag = new Defragmenter(meter.config().defrag(), counters);
    }

    public FlowMeter meter() {
        return meter;
    }

    public Defragmenter defragmenter() {
        return defrag;
    }

    /** One captured frame at {@code ts} (µs since the epoch): {@code caplen} bytes from {@code offset}. */
    public void frame(long ts, byte[] data, int offset, int caplen, int linkType) {
        counters.frames++;
        if (ts >= defrag.nextDeadline()) {
            defrag.expire(ts);
        }
        switch (decoder.decode(data, offset, caplen, linkType, packet)) {
            case PacketDecoder.OK:
                meter.packet(ts, packet);
                break;
            case PacketDecoder.NOT_IP:
                counters.notIp++;
                meter.advance(ts);
                break;
            case PacketDecoder.FRAGMENT:
                fragment(ts, data);
                break;
            default:
                counters.undecodable++;
                break;
        }
    }

    private void fragment(long ts, byte[] data) {
        int length = defrag.add(ts, data, packet);
        if (length == 0) {
            meter.advance(ts);
            return;
        }
        // The reassembled datagram is raw IP; the link layer (and so the VLAN) is the completing fragment's.
        if (decoder.decode(defrag.datagram(), 0, length, PacketDecoder.DLT_RAW, reassembled) == PacketDecoder.OK) {
            reassembled.vlan = packet.vlan;
            meter.packet(ts, reassembled);
        } else {
            counters.undecodable++;
            meter.advance(ts);
        }
    }

    /** Lets packet time move on without a frame (live capture's ticks): flows and fragments time out. */
    public void advance(long ts) {
        if (ts >= defrag.nextDeadline()) {
            defrag.expire(ts);
        }
        meter.advance(ts);
    }

    /** End of capture: incomplete datagrams are dropped (counted as timed out) and every flow is exported. */
    public void flush() {
        defrag.clear();
        meter.flush();
    }
}
