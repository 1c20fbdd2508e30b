package io.vigil.sensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small classic pcap files (little-endian, µs, Ethernet) from hand-built frames, for tests. */
public final class TestPcap {

    private record Record(long tsMicros, byte[] frame) {
    }

    private final List<Record> records = new ArrayList<>();

    /** Adds a frame captured at {@code tsMicros} (µs since the epoch). */
    public TestPcap add(long tsMicros, byte[] frame) {
        records.add(new Record(tsMicros, frame));
        return this;
    }

    public Path write(Path file) throws IOException {
        int size = 24 + records.stream().mapToInt(r -> 16 + r.frame.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (Record r : records) {
            b.putInt((int) (r.tsMicros / 1_000_000)).putInt((int) (r.tsMicros % 1_000_000))
                    .putInt(r.frame.length).putInt(r.frame.length).put(r.frame);
        }
        Files.write(file, b.array());
        return file;
    }
}
