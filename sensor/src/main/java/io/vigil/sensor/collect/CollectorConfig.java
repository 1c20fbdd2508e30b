package io.vigil.sensor.collect;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The NetFlow/IPFIX collector's knobs (the flow stitching also takes the meter's idle and active timeouts, its close
 * linger and table size: see DESIGN.md, "Flows from exporters").
 *
 * @param listen              UDP addresses to receive on (several: NetFlow's 2055 and IPFIX's 4739 at once)
 * @param exporters           address blocks allowed to export; empty: any sender (a warning at start)
 * @param stitchWait          how long a record waits for its reverse direction (wall time since it arrived)
 * @param templateLifetime    a template not refreshed for this long is discarded (RFC 3954 §9, RFC 7011 §8.4)
 * @param maxTemplateBytes    memory all templates may take together; beyond it the biggest holder loses its oldest
 * @param maxTemplatesPerSource templates one exporter's observation domain may hold; beyond it its oldest goes
 * @param maxExporters        distinct exporter addresses kept; datagrams from more are dropped and counted
 * @param maxSources          (exporter, version, observation domain) states kept; the least recently heard go first
 * @param defaultSamplingRate the rate for exporters that sample without saying so (1: they count every packet)
 * @param receiveBuffer       socket receive buffer asked of the kernel, bytes (bounded by net.core.rmem_max)
 */
public record CollectorConfig(List<InetSocketAddress> listen, List<Cidr> exporters, Duration stitchWait,
                              Duration templateLifetime, long maxTemplateBytes, int maxTemplatesPerSource,
                              int maxExporters, int maxSources, int defaultSamplingRate, int receiveBuffer) {

    public static final Duration DEFAULT_STITCH_WAIT = Duration.ofSeconds(4);
    /** Three refreshes of the 30-minute template timeout of Cisco, FortiGate and most firewalls: two may be lost. */
    public static final Duration DEFAULT_TEMPLATE_LIFETIME = Duration.ofMinutes(90);
    public static final long DEFAULT_MAX_TEMPLATE_BYTES = 4L << 20;
    public static final int DEFAULT_MAX_TEMPLATES_PER_SOURCE = 256;
    /** The stitching key has 11 bits for the exporter. */
    public static final int MAX_EXPORTERS = 2047;
    public static final int DEFAULT_MAX_EXPORTERS = 256;
    public static final int DEFAULT_MAX_SOURCES = 1024;
    public static final int DEFAULT_RECEIVE_BUFFER = 8 << 20;

    public CollectorConfig {
        listen = List.copyOf(listen);
        exporters = List.copyOf(exporters);
        if (stitchWait.isNegative() || templateLifetime.isNegative() || templateLifetime.isZero()) {
            throw new IllegalArgumentException("the stitch wait must not be negative and the template lifetime must be "
                    + "positive");
        }
        if (maxExporters < 1 || maxExporters > MAX_EXPORTERS) {
            throw new IllegalArgumentException("max exporters must be 1.." + MAX_EXPORTERS + ", was " + maxExporters);
        }
        if (maxTemplateBytes < 1024 || maxTemplatesPerSource < 1 || maxSources < 1) {
            throw new IllegalArgumentException("template and source bounds must be positive (template bytes >= 1k)");
        }
        if (defaultSamplingRate < 1) {
            throw new IllegalArgumentException("the default sampling rate is 1 in N packets, N >= 1: "
                    + defaultSamplingRate);
        }
    }

    /** Defaults for the given listen addresses. */
    public static CollectorConfig defaults(List<InetSocketAddress> listen) {
        return new CollectorConfig(listen, List.of(), DEFAULT_STITCH_WAIT, DEFAULT_TEMPLATE_LIFETIME,
                DEFAULT_MAX_TEMPLATE_BYTES, DEFAULT_MAX_TEMPLATES_PER_SOURCE, DEFAULT_MAX_EXPORTERS,
                DEFAULT_MAX_SOURCES, 1, DEFAULT_RECEIVE_BUFFER);
    }

    public CollectorConfig withListen(List<InetSocketAddress> addresses) {
        return new CollectorConfig(addresses, exporters, stitchWait, templateLifetime, maxTemplateBytes,
                maxTemplatesPerSource, maxExporters, maxSources, defaultSamplingRate, receiveBuffer);
    }

    public CollectorConfig withExporters(List<Cidr> allowed) {
        return new CollectorConfig(listen, allowed, stitchWait, templateLifetime, maxTemplateBytes,
                maxTemplatesPerSource, maxExporters, maxSources, defaultSamplingRate, receiveBuffer);
    }

    public CollectorConfig withStitchWait(Duration wait) {
        return new CollectorConfig(listen, exporters, wait, templateLifetime, maxTemplateBytes, maxTemplatesPerSource,
                maxExporters, maxSources, defaultSamplingRate, receiveBuffer);
    }

    public CollectorConfig withTemplateLifetime(Duration lifetime) {
        return new CollectorConfig(listen, exporters, stitchWait, lifetime, maxTemplateBytes, maxTemplatesPerSource,
                maxExporters, maxSources, defaultSamplingRate, receiveBuffer);
    }

    public CollectorConfig withTemplateBounds(long bytes, int perSource, int sources) {
        return new CollectorConfig(listen, exporters, stitchWait, templateLifetime, bytes, perSource, maxExporters,
                sources, defaultSamplingRate, receiveBuffer);
    }

    public CollectorConfig withDefaultSamplingRate(int rate) {
        return new CollectorConfig(listen, exporters, stitchWait, templateLifetime, maxTemplateBytes,
                maxTemplatesPerSource, maxExporters, maxSources, rate, receiveBuffer);
    }

    public CollectorConfig withReceiveBuffer(int bytes) {
        return new CollectorConfig(listen, exporters, stitchWait, templateLifetime, maxTemplateBytes,
                maxTemplatesPerSource, maxExporters, maxSources, defaultSamplingRate, bytes);
    }

    /** Parses a listen address: {@code HOST:PORT}, {@code [IPv6]:PORT}, or a bare {@code PORT} (every IPv4 address). */
    public static InetSocketAddress parseListen(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("not [IPv6]:PORT: " + text);
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = t.substring(t.indexOf(':') + 1);
        } else if (t.matches("\\d+")) {
            host = "0.0.0.0";
            port = t;
        } else {
            throw new IllegalArgumentException("not HOST:PORT, [IPv6]:PORT or PORT: " + text);
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port in " + text);
        }
        if (n < 0 || n > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 in " + text);
        }
        InetSocketAddress a = new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, n);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve " + host + " in " + text);
        }
        return a;
    }
}
