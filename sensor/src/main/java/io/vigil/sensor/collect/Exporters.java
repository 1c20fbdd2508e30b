package io.vigil.sensor.collect;

import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;

/**
 * Everyone who sends the collector flow records: exporters by address (with the allow-list), their sources
 * (observation domains, with the templates), and the bounds that keep all of it finite whatever arrives: at most
 * {@code maxExporters} addresses, {@code maxSources} sources, {@code maxTemplatesPerSource} templates each, and
 * {@code maxTemplateBytes} for all templates together. Only the collector thread calls it; counters may be read from
 * others (status, heartbeat) a moment stale.
 */
public final class Exporters {

    private static final Logger LOG = Logger.getLogger(Exporters.class);
    /** A malformed-datagram warning per exporter at most this often; the counts in between go into the next one. */
    private static final long LOG_EVERY_MS = 10_000;

    /** One exporting device, by address. Counters are per device, over all its sources. */
    public static final class Exporter {
        final int index;
        final byte[] address;
        public final String text;
        public volatile long datagrams;
        public volatile long records;
        /** Datagrams (or sets in them) that could not be read, and records whose template is unknown or expired. */
        public volatile long malformed;
        public volatile long withoutTemplate;
        /** Sequence numbers skipped: export packets for NetFlow v9, flow records for v5 and IPFIX. */
        public volatile long lost;
        public volatile long late;
        public volatile long restarts;
        /** The sampling rate of the last record, for status. */
        public volatile int samplingRate = 1;
        private long loggedMs = Long.MIN_VALUE;
        private long unloggedMalformed;
        private long unloggedWithoutTemplate;
        /** Its sources, least recently heard first. */
        private final LinkedHashMap<Long, Source> sources = new LinkedHashMap<>(4, 0.75f, true);
        private long templateBytes;

        Exporter(int index, byte[] address, String text) {
            this.index = index;
            this.address = address;
            this.text = text;
        }

        public byte[] address() {
            return address.clone();
        }
    }

    private final CollectorConfig config;
    private final Map<InetAddress, Exporter> byAddress = new HashMap<>();
    /** Read by status and heartbeat threads too; exporters are added rarely, so copying on write is cheap. */
    private final List<Exporter> byIndex = new CopyOnWriteArrayList<>();
    // Written by the collector thread only; volatile for the status and heartbeat threads that read them.
    private volatile int sourceCount;
    private volatile int templateCount;
    private volatile long templateBytes;
    private final Map<InetAddress, Long> refusedLogged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> eldest) {
            return size() > 256;
        }
    };
    public volatile long refusedDatagrams;
    public volatile long templatesEvicted;
    public volatile long templatesExpired;
    public volatile long templatesRejected;
    public volatile long sourcesEvicted;

    public Exporters(CollectorConfig config) {
        this.config = config;
    }

    /** The exporter this datagram came from, or null (not allowed, or one too many): the datagram is dropped. */
    Exporter exporter(InetAddress from, long nowMs) {
        Exporter e = byAddress.get(from);
        if (e != null) {
            return e;
        }
        byte[] a = from.getAddress();
        String why = null;
        if (!config.exporters().isEmpty() && config.exporters().stream().noneMatch(c -> c.contains(a))) {
            why = "it is not in the exporter allow-list " + config.exporters();
        } else if (byIndex.size() >= config.maxExporters()) {
            why = "the collector already has " + byIndex.size() + " exporters (collector.max-exporters)";
        }
        if (why != null) {
            refusedDatagrams++;
            Long logged = refusedLogged.get(from);
            if (logged == null || nowMs - logged > LOG_EVERY_MS * 6) {
                refusedLogged.put(from, nowMs);
                LOG.warnf("dropping flow records from %s: %s", from.getHostAddress(), why);
            }
            return null;
        }
        e = new Exporter(byIndex.size() + 1, a, from.getHostAddress());
        byAddress.put(from, e);
        byIndex.add(e);
        LOG.infof("new exporter %s", e.text);
        return e;
    }

    /** Address of exporter {@code index} (as {@link FlowRecord#exporter} carries it); shared, so never modify it. */
    public byte[] address(int index) {
        return byIndex.get(index - 1).address;
    }

    public List<Exporter> all() {
        return List.copyOf(byIndex);
    }

    /**
     * The state of one observation domain of an exporter for one protocol version, created when first heard. At the
     * bound, the exporter with the most sources loses its least recently heard one: a sender inventing domain IDs
     * churns its own, never a firewall's only one.
     */
    Source source(Exporter e, int version, long domain, long nowMs) {
        long key = (long) version << 32 | (domain & 0xffff_ffffL);
        Source s = e.sources.get(key);
        if (s == null) {
            if (sourceCount >= config.maxSources()) {
                Exporter most = e;
                for (Exporter x : byIndex) {
                    if (x.sources.size() > most.sources.size()) {
                        most = x;
                    }
                }
                Iterator<Source> oldest = most.sources.values().iterator();
                Source gone = oldest.next();
                oldest.remove();
                sourceCount--;
                most.templateBytes -= gone.templateBytes;
                templateBytes -= gone.templateBytes;
                templateCount -= gone.templates.size();
                sourcesEvicted++;
                if (sourcesEvicted == 1 || sourcesEvicted % 1000 == 0) {
                    LOG.warnf("forgetting %s and its %d templates: %d sources is the bound (collector.max-sources); "
                            + "%d forgotten so far", gone.describe(), gone.templates.size(), config.maxSources(),
                            sourcesEvicted);
                }
            }
            s = new Source(e, version, domain);
            e.sources.put(key, s);
            sourceCount++;
        }
        return s;
    }

    /** The template {@code id} of the source, or null when unknown or expired (RFC 3954 §9: never decode with those). */
    Template template(Source s, int id, long nowMs) {
        Template t = s.templates.get(id);
        if (t != null && nowMs - t.refreshedMs > config.templateLifetime().toMillis()) {
            drop(s, id);
            templatesExpired++;
            return null;
        }
        return t;
    }

    /** Stores a (re)definition; a refresh with the same fields only renews its lifetime. Keeps every bound. */
    void define(Source s, Template t, long nowMs) {
        Template old = s.templates.get(t.id);
        if (old != null && old.sameAs(t)) {
            old.refreshedMs = nowMs;
            return;
        }
        if (old != null) {
            drop(s, t.id);
            LOG.infof("%s redefined template %d (%d fields, was %d)", s.describe(), t.id, t.types.length,
                    old.types.length);
        }
        t.refreshedMs = nowMs;
        if (s.templates.size() >= config.maxTemplatesPerSource()) {
            // A source flooding template IDs evicts its own oldest, never another exporter's.
            evictOldest(s);
        }
        s.templates.put(t.id, t);
        charge(s, t.cost());
        while (templateBytes > config.maxTemplateBytes()) {
            evictOldest(biggestHolder());
        }
    }

    /** Drops one template (an IPFIX withdrawal is not honoured over UDP; this is for expiry and redefinition). */
    private void drop(Source s, int id) {
        Template t = s.templates.remove(id);
        if (t != null) {
            charge(s, -t.cost());
        }
    }

    private void evictOldest(Source s) {
        Iterator<Template> it = s.templates.values().iterator();
        Template t = it.next();
        it.remove();
        charge(s, -t.cost());
        templatesEvicted++;
        if (templatesEvicted == 1 || templatesEvicted % 1000 == 0) {
            LOG.warnf("template memory bound reached: dropped template %d of %s (%d dropped so far; "
                    + "collector.max-template-bytes %d, collector.max-templates-per-source %d)", t.id, s.describe(),
                    templatesEvicted, config.maxTemplateBytes(), config.maxTemplatesPerSource());
        }
    }

    /** Books a template in ({@code bytes} > 0) or out (< 0). */
    private void charge(Source s, long bytes) {
        s.templateBytes += bytes;
        s.exporter.templateBytes += bytes;
        templateBytes += bytes;
        templateCount += bytes > 0 ? 1 : -1;
    }

    /**
     * Over the byte bound, the exporter holding the most template memory pays, with the least recently heard of its
     * sources that has templates: a flooder, not a quiet firewall.
     */
    private Source biggestHolder() {
        Exporter big = null;
        for (Exporter x : byIndex) {
            if (big == null || x.templateBytes > big.templateBytes) {
                big = x;
            }
        }
        for (Source s : big.sources.values()) {
            if (!s.templates.isEmpty()) {
                return s;
            }
        }
        throw new IllegalStateException("template bytes counted but no template held");
    }

    /** Drops templates past their lifetime (the lookup does too; this frees memory of sources that went quiet). */
    void expire(long nowMs) {
        long life = config.templateLifetime().toMillis();
        for (Exporter e : byIndex) {
            for (Source s : e.sources.values()) {
                s.templates.values().removeIf(t -> {
                    if (nowMs - t.refreshedMs <= life) {
                        return false;
                    }
                    charge(s, -t.cost());
                    templatesExpired++;
                    return true;
                });
            }
        }
    }

    public long templateBytes() {
        return templateBytes;
    }

    public int templates() {
        return templateCount;
    }

    public int sources() {
        return sourceCount;
    }

    /** Counts an unreadable datagram or set, and says so in the log at most every 10 s per exporter. */
    void malformed(Exporter e, Source s, String what, long nowMs) {
        e.malformed++;
        e.unloggedMalformed++;
        report(e, s, what, nowMs);
    }

    /** Counts records that arrived for a template not (or no longer) known, and says so at most every 10 s. */
    void withoutTemplate(Exporter e, Source s, int templateId, int bytes, long nowMs) {
        e.withoutTemplate++;
        e.unloggedWithoutTemplate++;
        report(e, s, "a data set of " + bytes + " bytes for template " + templateId + ", which it has not sent (yet)"
                + " or which expired: dropped until the exporter sends its templates again", nowMs);
    }

    private void report(Exporter e, Source s, String what, long nowMs) {
        if (nowMs - e.loggedMs < LOG_EVERY_MS) {
            return;
        }
        e.loggedMs = nowMs;
        LOG.warnf("exporter %s: %d malformed datagrams or sets, %d data sets without a template since the last "
                        + "report; latest: %s", s == null ? e.text : s.describe(), e.unloggedMalformed,
                e.unloggedWithoutTemplate, what);
        e.unloggedMalformed = 0;
        e.unloggedWithoutTemplate = 0;
    }
}
