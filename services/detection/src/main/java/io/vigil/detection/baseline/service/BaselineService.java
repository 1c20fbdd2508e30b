package io.vigil.detection.baseline.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.Profile;
import io.vigil.detection.baseline.repository.BaselineReader;
import io.vigil.detection.baseline.repository.BaselineStore;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.baseline.BaselineConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recomputes every internal host's baseline from ClickHouse history on a schedule (and on demand in tests), and stores
 * them for the detection cycle and the API. A refresh reads the whole history window once per tenant: three
 * aggregations over flows_1m, grouped by host and hour.
 */
@ApplicationScoped
public class BaselineService {

    private static final Logger LOG = Logger.getLogger(BaselineService.class);

    private final BaselineReader reader;
    private final BaselineStore store;
    private final CustomerDirectory customers;
    private final BaselineConfig config;
    private final Timer refreshTimer;

    public BaselineService(BaselineReader reader, BaselineStore store, CustomerDirectory customers, BaselineConfig config,
                           MeterRegistry registry) {
        this.reader = reader;
        this.store = store;
        this.customers = customers;
        this.config = config;
        this.refreshTimer = Timer.builder("vigil.detection.baseline.refresh.duration")
                .description("time to recompute one tenant's host baselines").register(registry);
    }

    @Scheduled(every = "${vigil.detection.baseline.refresh-interval}", delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Instant now = Instant.now();
        for (String tenant : reader.tenantsWithFlows(now.minus(Duration.ofDays(1)), now)) {
            try {
                refresh(tenant, now);
            } catch (RuntimeException e) {
                LOG.warnf("tenant %s: baseline refresh failed, kept the previous one: %s", tenant, e.getMessage());
            }
        }
    }

    /** Recomputes the tenant's baselines from the history before the hour of {@code now}. Blocking. */
    public List<HostBaseline> refresh(String tenant, Instant now) {
        Timer.Sample sample = Timer.start();
        Customer customer = customers.find(tenant).await().atMost(Duration.ofSeconds(30));
        if (customer == null || customer.internalNetworks().isEmpty()) {
            LOG.debugf("tenant %s: no internal networks known, so no host baselines", tenant);
            store.replace(tenant, List.of()).await().atMost(Duration.ofSeconds(30));
            return List.of();
        }
        long hourNow = now.getEpochSecond() / 3600 * 3600;
        Instant from = Instant.ofEpochSecond(hourNow).minus(config.history());
        Instant until = Instant.ofEpochSecond(hourNow);
        Map<String, Map<Long, HourSample>> hourly = reader.hourly(tenant, customer.networks(), from, until, config.maxHosts());
        ZoneId zone = zone(customer.timeZone());
        List<HostBaseline> out = new ArrayList<>();
        hourly.forEach((host, byHour) -> {
            long first = byHour.keySet().stream().mapToLong(Long::longValue).min().orElse(hourNow);
            long last = byHour.keySet().stream().mapToLong(Long::longValue).max().orElse(hourNow);
            Instant firstSeen = Instant.ofEpochSecond(first);
            Instant matureAt = firstSeen.plus(config.learningPeriod());
            boolean mature = !matureAt.isAfter(now) && byHour.size() >= config.minActiveHours();
            // Zero-filled up to the last complete hour, so a host that went quiet is learned as quiet.
            out.add(new HostBaseline(tenant, host, mature ? HostBaseline.State.MATURE : HostBaseline.State.LEARNING, firstSeen,
                    Instant.ofEpochSecond(last + 3600), byHour.size(), matureAt,
                    Profile.build(byHour, first, hourNow - 3600, zone), now));
        });
        store.replace(tenant, out).await().atMost(Duration.ofSeconds(60));
        sample.stop(refreshTimer);
        LOG.debugf("tenant %s: %d host baselines", tenant, out.size());
        return out;
    }

    private static ZoneId zone(String id) {
        try {
            return id == null ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
