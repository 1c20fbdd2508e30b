package io.vigil.sensor.it;

import io.vigil.sensor.collect.Collector;
import io.vigil.sensor.collect.CollectorConfig;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real exporter (softflowd reading a capture, or nfdump's nfreplay sending an nfcapd file) at an in-JVM
 * collector on loopback, and returns the flows the collector made of its records.
 */
final class Exporting {

    /** What one run produced. */
    record Run(List<MeteredFlow> flows, Collector collector) {
    }

    private Exporting() {
    }

    /**
     * softflowd -r CAPTURE -n 127.0.0.1:PORT -v VERSION -d, plus {@code options}. Without -c: with -r, softflowd
     * 1.1.0 would block on its control socket (README, Benchmark).
     */
    static Run softflowd(Path capture, String version, MeterConfig meter, String... options) throws Exception {
        return collect(config(), meter, port -> {
            List<String> command = new ArrayList<>(List.of("softflowd", "-r", capture.toString(), "-n",
                    "127.0.0.1:" + port, "-v", version, "-d"));
            command.addAll(List.of(options));
            return command;
        });
    }

    /** nfpcapd meters the capture into nfcapd files (one per 5 minutes of it), which nfreplay sends as v5 or v9. */
    static Run nfreplay(Path capture, String version, MeterConfig meter, Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("nfcapd-" + version));
        Tools.run(120, "nfpcapd", "-r", capture.toString(), "-w", dir.toString());
        List<Path> files;
        try (var list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("nfcapd.")).sorted().toList();
        }
        return collect(config(), meter, port -> {
            List<String> commands = new ArrayList<>();
            for (Path f : files) {
                commands.add("nfreplay -r " + f + " -H 127.0.0.1 -p " + port + " -v " + version);
            }
            return List.of("sh", "-c", String.join(" && ", commands));
        });
    }

    /** Loopback, any free port; a receive buffer this machine grants (net.core.rmem_max is 4 MiB here). */
    static CollectorConfig config() {
        return CollectorConfig.defaults(List.of(new InetSocketAddress("127.0.0.1", 0))).withReceiveBuffer(2 << 20);
    }

    interface Command {
        List<String> at(int port);
    }

    /** Starts a collector, runs the exporter command at its port, waits until records stop coming, flushes. */
    static Run collect(CollectorConfig config, MeterConfig meter, Command exporter) throws Exception {
        List<MeteredFlow> flows = Collections.synchronizedList(new ArrayList<>());
        Collector collector = Collector.open(config, meter, flows::add);
        Thread loop = Tools.inBackground(collector);
        try {
            int port = collector.boundAddresses().get(0).getPort();
            Tools.run(300, exporter.at(port).toArray(String[]::new));
            long seen = -1;
            while (collector.datagrams() != seen) {
                seen = collector.datagrams();
                Thread.sleep(300);
            }
        } finally {
            collector.stop();
            loop.join(TimeUnit.SECONDS.toMillis(30));
            collector.close();
        }
        return new Run(List.copyOf(flows), collector);
    }
}
