package io.vigil.sensor.collect;

import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.FlowStitcher;
import io.vigil.sensor.meter.MeterConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The NetFlow/IPFIX collector: receives datagrams on one or more UDP addresses, decodes them ({@link RecordDecoder})
 * and stitches the records into bidirectional flows ({@link FlowStitcher}) for a {@link FlowSink}: the spooled
 * exporter, or JSON lines. One thread does all of it, so the decoder and the stitcher need no locks; a flood of
 * datagrams waits in the socket's receive buffer (and what overflows it is counted by the kernel, shown in status).
 */
public final class Collector implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Collector.class);
    /** Datagrams read from one socket before the others (and the timers) get a turn. */
    private static final int BURST = 1024;
    private static final long EXPIRE_EVERY_MS = 60_000;

    private final CollectorConfig config;
    private final Exporters exporters;
    private final FlowStitcher stitcher;
    private final RecordDecoder decoder;
    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final LongSupplier clock;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);
    private volatile boolean stopping;
    private volatile long datagrams;
    private long nowMs;

    private Collector(CollectorConfig config, MeterConfig meter, FlowSink sink, LongSupplier clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.exporters = new Exporters(config);
        this.stitcher = new FlowStitcher(meter, config.stitchWait(), sink, exporters::address);
        this.decoder = new RecordDecoder(exporters, config.defaultSamplingRate(), new RecordDecoder.RecordSink() {
            @Override
            public void record(FlowRecord r) {
                stitcher.record(r, nowMs);
            }

            @Override
            public void records(FlowRecord[] batch, int count) {
                stitcher.records(batch, count, nowMs);
            }
        });
        this.selector = Selector.open();
    }

    /** Binds every listen address (or fails naming the one that could not be bound). */
    public static Collector open(CollectorConfig config, MeterConfig meter, FlowSink sink) throws IOException {
        return open(config, meter, sink, System::currentTimeMillis);
    }

    static Collector open(CollectorConfig config, MeterConfig meter, FlowSink sink, LongSupplier clock)
            throws IOException {
        Collector c = new Collector(config, meter, sink, clock);
        try {
            for (InetSocketAddress a : config.listen()) {
                c.bind(a);
            }
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void bind(InetSocketAddress address) throws IOException {
        // An IPv4 address listens for IPv4 only; [::] takes both families (Linux's dual-stack sockets).
        DatagramChannel ch = DatagramChannel.open(address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        channels.add(ch);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, config.receiveBuffer());
        try {
            ch.bind(address);
        } catch (IOException e) {
            throw new IOException("cannot listen on udp " + address.getHostString() + ":" + address.getPort() + ": "
                    + e.getMessage(), e);
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ);
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        bound.add(local);
        int got = ch.getOption(StandardSocketOptions.SO_RCVBUF);
        if (got < config.receiveBuffer()) {
            LOG.warnf("udp %s: the kernel gave a %d KiB receive buffer where %d KiB were asked; bursts of records "
                            + "beyond it are dropped (counted in status): raise net.core.rmem_max",
                    text(local), got >> 10, config.receiveBuffer() >> 10);
        }
    }

    /** The addresses actually bound (port 0 asks for any free port). */
    public List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    static String text(InetSocketAddress a) {
        return (a.getAddress().getAddress().length == 16 ? "[" + a.getAddress().getHostAddress() + "]"
                : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    public Exporters exporters() {
        return exporters;
    }

    public FlowStitcher stitcher() {
        return stitcher;
    }

    public long datagrams() {
        return datagrams;
    }

    /**
     * Receives until {@link #stop()}; calls {@code tick} about every {@code tickMs} (progress, status) on this thread.
     * On the way out it reads what is still waiting in the sockets and exports every held flow.
     */
    public void run(Runnable tick, long tickMs) throws IOException {
        LOG.infof("listening for NetFlow v5/v9 and IPFIX on udp %s%s", String.join(", ",
                bound.stream().map(Collector::text).toList()), config.exporters().isEmpty()
                ? " from any exporter (collector.exporters limits who may send)"
                : " from " + config.exporters());
        long nextExpire = clock.getAsLong() + EXPIRE_EVERY_MS;
        long nextTick = clock.getAsLong() + tickMs;
        while (!stopping) {
            selector.select(200);
            nowMs = clock.getAsLong();
            for (SelectionKey key : selector.selectedKeys()) {
                drain((DatagramChannel) key.channel(), BURST);
            }
            selector.selectedKeys().clear();
            stitcher.advance(nowMs);
            if (nowMs >= nextExpire) {
                exporters.expire(nowMs);
                nextExpire = nowMs + EXPIRE_EVERY_MS;
            }
            if (tick != null && nowMs >= nextTick) {
                tick.run();
                nextTick = nowMs + tickMs;
            }
        }
        nowMs = clock.getAsLong();
        for (DatagramChannel ch : channels) {
            drain(ch, Integer.MAX_VALUE);
        }
        stitcher.flush();
    }

    private void drain(DatagramChannel ch, int max) throws IOException {
        for (int i = 0; i < max; i++) {
            buffer.clear();
            SocketAddress from = ch.receive(buffer);
            if (from == null) {
                return;
            }
            datagrams++;
            decoder.datagram(((InetSocketAddress) from).getAddress(), buffer.array(), buffer.position(), nowMs);
        }
    }

    /** Makes {@link #run} finish (from any thread, a shutdown hook). */
    public void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Datagrams the kernel dropped on the collector's sockets because the receive buffer was full (Linux). */
    public long kernelDrops() {
        long drops = 0;
        for (InetSocketAddress a : bound) {
            drops += UdpDrops.of(a.getPort());
        }
        return drops;
    }

    /** Counters for the status file, by key. */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("collector.listen", String.join(",", bound.stream().map(Collector::text).toList()));
        d.put("collector.datagrams", Long.toString(datagrams));
        d.put("collector.datagrams-refused", Long.toString(exporters.refusedDatagrams));
        d.put("collector.kernel-drops", Long.toString(kernelDrops()));
        d.put("collector.records", Long.toString(stitcher.records()));
        d.put("collector.templates", Integer.toString(exporters.templates()));
        d.put("collector.template-bytes", Long.toString(exporters.templateBytes()));
        d.put("collector.templates-evicted", Long.toString(exporters.templatesEvicted));
        d.put("collector.templates-expired", Long.toString(exporters.templatesExpired));
        d.put("collector.templates-refused", Long.toString(exporters.templatesRejected));
        d.put("collector.sources", Integer.toString(exporters.sources()));
        for (Exporters.Exporter e : exporters.all()) {
            String k = "exporter." + e.text + ".";
            d.put(k + "datagrams", Long.toString(e.datagrams));
            d.put(k + "records", Long.toString(e.records));
            d.put(k + "malformed", Long.toString(e.malformed));
            d.put(k + "without-template", Long.toString(e.withoutTemplate));
            d.put(k + "sequence-lost", Long.toString(e.lost));
            d.put(k + "restarts", Long.toString(e.restarts));
            d.put(k + "sampling-rate", Integer.toString(e.samplingRate));
        }
        return d;
    }

    /** One line for the end of a run. */
    public String summary() {
        long malformed = 0;
        long withoutTemplate = 0;
        long lost = 0;
        for (Exporters.Exporter e : exporters.all()) {
            malformed += e.malformed;
            withoutTemplate += e.withoutTemplate;
            lost += e.lost;
        }
        return String.format(Locale.ROOT, "%,d datagrams from %d exporter(s) (%,d refused), %,d records, %,d flows "
                        + "exported (%,d evicted early); %,d malformed, %,d data sets without a template, %,d lost "
                        + "by sequence number, %,d dropped by the kernel", datagrams, exporters.all().size(),
                exporters.refusedDatagrams, stitcher.records(), stitcher.flowsExported(), stitcher.flowsEvicted(),
                malformed, withoutTemplate, lost, kernelDrops());
    }

    @Override
    public void close() {
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a datagram channel fails only if it is already closed
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
