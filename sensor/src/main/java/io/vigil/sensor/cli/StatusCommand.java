package io.vigil.sensor.cli;

import io.vigil.sensor.export.ExportPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code vigil-sensor status}: what the running sensor last wrote about itself, and what is waiting in the spool. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the sensor's state: connection to ingest, spool depth, last acknowledgement, drops.",
            "Reads the status file the running sensor rewrites every second (in its data directory)."},
        footer = {"", "Exit status: 0 a sensor is running and its status is fresh, 1 no running sensor (the spool "
                + "is still shown), 2 bad usage."})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws IOException {
        SensorSettings settings = new SensorSettings(common.configDir(), System.getenv());
        Path dataDir = settings.dataDir(common.configDir());
        Path file = dataDir.resolve(ExportPipeline.STATUS_FILE);
        boolean running = false;
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            Instant updated = Instant.parse(p.getProperty("updated", Instant.EPOCH.toString()));
            long age = Duration.between(updated, Instant.now()).toSeconds();
            long pid = Long.parseLong(p.getProperty("pid", "-1"));
            running = age < 10 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            System.out.println("sensor:       " + (running ? "running (pid " + pid + ", " + p.getProperty("mode") + ")"
                    : "not running (status written " + age + " s ago by pid " + pid + ")"));
            for (String k : new TreeSet<>(p.stringPropertyNames())) {
                if (!k.equals("pid") && !k.equals("mode")) {
                    System.out.printf("%-32s %s%n", k + ":", p.getProperty(k));
                }
            }
        } else {
            System.out.println("sensor:       no status file " + file + " (it has not run with this config dir)");
        }
        long batches = 0;
        long bytes = 0;
        Path spool = dataDir.resolve("spool");
        if (Files.isDirectory(spool)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(spool, "*.batch")) {
                for (Path f : ds) {
                    batches++;
                    bytes += Files.size(f);
                }
            }
        }
        System.out.printf("%-32s %d batches, %d bytes in %s%n", "spool on disk now:", batches, bytes, spool);
        return running ? 0 : 1;
    }
}
