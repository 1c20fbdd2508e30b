package io.vigil.sensor.cli;

import io.vigil.sensor.collect.Cidr;
import io.vigil.sensor.collect.CollectorConfig;
import io.vigil.sensor.export.ExportConfig;
import io.vigil.sensor.meter.DefragConfig;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.OverlapPolicy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The sensor's settings: built-in defaults, overridden by {@code <config-dir>/sensor.properties}, overridden by
 * environment variables (key upper-cased, '.' and '-' as '_', prefixed VIGIL_SENSOR_), overridden by command-line
 * options.
 *
 * <p>Read by hand rather than through Quarkus config because the config directory is itself a command-line option,
 * known only after Quarkus has started.
 */
public final class SensorSettings {

    public static final String FILE_NAME = "sensor.properties";

    private final Properties file = new Properties();
    private final Map<String, String> env;
    private final Path source;

    public SensorSettings(Path configDir, Map<String, String> env) throws IOException {
        this.env = env;
        Path f = configDir.resolve(FILE_NAME);
        if (Files.isRegularFile(f)) {
            try (Reader r = Files.newBufferedReader(f)) {
                file.load(r);
            }
            this.source = f;
        } else {
            this.source = null;
        }
    }

    /** The properties file that was read, or null when there is none. */
    Path source() {
        return source;
    }

    static String envName(String key) {
        return "VIGIL_SENSOR_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    String get(String key) {
        String e = env.get(envName(key));
        if (e != null && !e.isBlank()) {
            return e.trim();
        }
        String v = file.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    Duration duration(String key, Duration fallback) {
        String v = get(key);
        return v == null ? fallback : parseDuration(key, v);
    }

    int integer(String key, int fallback) {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: " + v);
        }
    }

    boolean bool(String key, boolean fallback) {
        String v = get(key);
        if (v == null) {
            return fallback;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + ": not true or false: " + v);
    }

    MeterConfig meter() {
        return new MeterConfig(
                duration("meter.idle-timeout", MeterConfig.DEFAULT_IDLE),
                duration("meter.active-timeout", MeterConfig.DEFAULT_ACTIVE),
                duration("meter.attempt-timeout", MeterConfig.DEFAULT_ATTEMPT),
                duration("meter.close-linger", MeterConfig.DEFAULT_LINGER),
                integer("meter.max-flows", MeterConfig.DEFAULT_MAX_FLOWS),
                bool("meter.vlan-in-key", true),
                defrag());
    }

    DefragConfig defrag() {
        String maxBytes = get("meter.frag-max-bytes");
        String policy = get("meter.frag-overlap-policy");
        return new DefragConfig(
                duration("meter.frag-timeout", DefragConfig.DEFAULT_TIMEOUT),
                integer("meter.frag-max-datagrams", DefragConfig.DEFAULT_MAX_DATAGRAMS),
                maxBytes == null ? DefragConfig.DEFAULT_MAX_BYTES : parseBytes("meter.frag-max-bytes", maxBytes),
                policy == null ? DefragConfig.DEFAULT_POLICY
                        : OverlapPolicy.parse("meter.frag-overlap-policy", policy));
    }

    /** Spool, status file and sequence state live here: {@code data-dir}, default the config directory. */
    Path dataDir(Path configDir) {
        String v = get("data-dir");
        return v == null ? configDir : Path.of(v);
    }

    long spoolMaxBytes() {
        String v = get("spool.max-bytes");
        return v == null ? DEFAULT_SPOOL_BYTES : parseBytes("spool.max-bytes", v);
    }

    static final long DEFAULT_SPOOL_BYTES = 1L << 30;

    /**
     * Export settings; {@code address} and {@code tls} from the command line win, then the file/env, then the
     * address stored at enrollment, then the local default.
     */
    ExportConfig export(String address, Boolean tls, String enrolledAddress) {
        String target = address != null ? address
                : get("ingest.address") != null ? get("ingest.address")
                : enrolledAddress != null && !enrolledAddress.isEmpty() ? enrolledAddress
                : ExportConfig.DEFAULT_TARGET;
        String ca = get("ingest.ca-file");
        return new ExportConfig(target, tls != null ? tls : bool("ingest.tls", false), ca == null ? null : Path.of(ca),
                integer("export.batch-flows", ExportConfig.DEFAULT_BATCH_FLOWS),
                duration("export.batch-linger", ExportConfig.DEFAULT_LINGER),
                duration("export.heartbeat-interval", ExportConfig.DEFAULT_HEARTBEAT),
                ExportConfig.DEFAULT_WINDOW, bool("export.trace-context", false));
    }

    /**
     * The collector's settings ({@code collector.*}); {@code listen}, {@code exporters} and {@code stitchWait} from
     * the command line win when given.
     */
    CollectorConfig collector(List<String> listen, List<String> exporters, Duration stitchWait) {
        List<String> addresses = listen != null && !listen.isEmpty() ? listen : list("collector.listen");
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("say where to listen: --listen HOST:PORT (or collector.listen), for "
                    + "example --listen 0.0.0.0:2055");
        }
        List<String> allowed = exporters != null && !exporters.isEmpty() ? exporters : list("collector.exporters");
        String maxBytes = get("collector.max-template-bytes");
        String buffer = get("collector.receive-buffer");
        long receiveBuffer = buffer == null ? CollectorConfig.DEFAULT_RECEIVE_BUFFER
                : parseBytes("collector.receive-buffer", buffer);
        return new CollectorConfig(
                addresses.stream().map(CollectorConfig::parseListen).toList(),
                allowed.stream().map(Cidr::parse).toList(),
                stitchWait != null ? stitchWait : duration("collector.stitch-wait", CollectorConfig.DEFAULT_STITCH_WAIT),
                duration("collector.template-lifetime", CollectorConfig.DEFAULT_TEMPLATE_LIFETIME),
                maxBytes == null ? CollectorConfig.DEFAULT_MAX_TEMPLATE_BYTES
                        : parseBytes("collector.max-template-bytes", maxBytes),
                integer("collector.max-templates-per-source", CollectorConfig.DEFAULT_MAX_TEMPLATES_PER_SOURCE),
                integer("collector.max-exporters", CollectorConfig.DEFAULT_MAX_EXPORTERS),
                integer("collector.max-sources", CollectorConfig.DEFAULT_MAX_SOURCES),
                integer("collector.sampling-rate", 1),
                (int) Math.min(Integer.MAX_VALUE, receiveBuffer));
    }

    /** A comma-separated setting as a list; empty when unset. */
    List<String> list(String key) {
        String v = get(key);
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** Accepts a number of bytes with an optional k/m/g suffix (binary: 1g = 2^30). */
    static long parseBytes(String what, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "");
        if (s.endsWith("ib") || s.endsWith("b")) {
            s = s.substring(0, s.length() - (s.endsWith("ib") ? 2 : 1));
        }
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1L << 10;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("g")) {
            unit = 1L << 30;
        }
        try {
            return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": not a size (like 512m, 2g, 1048576): " + v);
        }
    }

    /** Accepts "90s", "500ms", "5m", "1h", a bare number of seconds, or ISO-8601 ("PT90S"). */
    static Duration parseDuration(String what, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": not a duration (like 90s, 500ms, 5m): " + v);
        }
    }
}
