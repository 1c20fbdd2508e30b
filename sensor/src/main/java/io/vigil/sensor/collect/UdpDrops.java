package io.vigil.sensor.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the kernel's per-socket drop counter of a bound UDP port from /proc/net/udp and udp6 (Linux); 0 elsewhere. */
final class UdpDrops {

    private UdpDrops() {
    }

    static long of(int port) {
        long drops = 0;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    // "sl local_address rem_address st ... inode ref pointer drops": the port is the hex after ':'.
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 13 || !f[1].contains(":")) {
                        continue;
                    }
                    String local = f[1].substring(f[1].indexOf(':') + 1);
                    if (local.matches("[0-9A-Fa-f]+") && Integer.parseInt(local, 16) == port) {
                        drops += Long.parseLong(f[f.length - 1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no such table: no figure to add
            }
        }
        return drops;
    }
}
