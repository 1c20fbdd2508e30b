package io.vigil.detection.notify.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vigil.detection.notify.Backoff;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.SecretSeal;
import io.vigil.detection.notify.SyslogTls;
import io.vigil.detection.notify.SyslogTransport;
import io.vigil.detection.notify.repository.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends due deliveries from the PostgreSQL outbox: claims a batch under a lease, sends in parallel, and records the
 * outcome (delivered, retry with backoff, failed, dropped). A delivery row exists only once the alert change it
 * announces is committed (the cycle writes both in one transaction), so everything claimed may be sent. Polls on its
 * own thread, so it runs whatever the Quarkus scheduler's setting, and is woken at once by new deliveries.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);

    private final OutboxRepository outbox;
    private final WebhookSender webhooks;
    private final SyslogSender syslog;
    private final NotifyConfig config;
    private final Backoff backoff;
    private final MeterRegistry registry;
    private final SecretSeal seal;
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    /** The outbox's PENDING rows after the last round; the same figure on every instance (the table is shared). */
    private final AtomicLong backlog = new AtomicLong();
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    public DeliveryWorker(OutboxRepository outbox, WebhookSender webhooks, SyslogSender syslog, NotifyConfig config,
                          MeterRegistry registry, SecretSeal seal) {
        this.outbox = outbox;
        this.webhooks = webhooks;
        this.syslog = syslog;
        this.config = config;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        this.registry = registry;
        this.seal = seal;
        Gauge.builder("vigil.detection.notify.backlog", backlog, AtomicLong::get).strongReference(true)
                .description("notification deliveries not sent yet (PENDING in the outbox, every instance's), after this"
                        + " instance's last delivery round").register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (config.sealPlaintextAtStart()) {
            int sealed = outbox.sealPlaintextSecrets(seal);
            if (sealed > 0) {
                LOG.infof("sealed %d webhook secret(s) stored in plaintext", sealed);
            }
        }
        if (!config.enabled()) {
            LOG.info("notification delivery is off here (vigil.notify.enabled=false); deliveries are only queued");
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vigil-notify-poller"));
        senders = Executors.newFixedThreadPool(config.senders(), r -> daemon(r, "vigil-notify-sender"));
        long every = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::drainQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
            senders.shutdownNow();
        }
    }

    /** Looks for due deliveries now (coalesced: one pending wake-up at a time). */
    public void kick() {
        if (poller != null && kickQueued.compareAndSet(false, true)) {
            poller.execute(() -> {
                kickQueued.set(false);
                drainQuietly();
            });
        }
    }

    private void drainQuietly() {
        try {
            drain();
            backlog.set(outbox.backlog());
        } catch (RuntimeException e) {
            LOG.warnf("notification delivery round failed (retried next round): %s", e.getMessage());
        }
    }

    /** Handles due deliveries until none is left; returns how many were handled. */
    int drain() {
        int handled = 0;
        while (true) {
            List<OutboxRepository.Outgoing> batch = outbox.claim(config.batchSize(), config.lease().toMillis());
            List<Future<?>> running = new ArrayList<>();
            for (OutboxRepository.Outgoing o : batch) {
                running.add(senders.submit(() -> handle(o)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    LOG.warnf("a delivery failed unexpectedly (its lease expires and it is retried): %s", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return handled;
                }
            }
            handled += batch.size();
            if (batch.size() < config.batchSize()) {
                return handled;
            }
        }
    }

    private void handle(OutboxRepository.Outgoing o) {
        if (!o.enabled()) {
            outbox.dropped(o.id(), "destination disabled");
            count(o, "dropped");
            return;
        }
        SendResult result = o.kind() == DestinationKind.WEBHOOK
                ? webhooks.send(o.url(), seal.open(o.secret(), o.destinationId()), o.id(), NotificationPayloads.eventType(o.event()),
                        o.payload())
                : syslog.send(o.host(), o.port(), o.transport(), tls(o), o.payload());
        int attempt = o.attempts() + 1;
        if (result.ok()) {
            outbox.delivered(o.id(), result.statusCode());
            count(o, "delivered");
        } else if (attempt >= config.maxAttempts()) {
            outbox.failed(o.id(), result.statusCode(), result.error());
            count(o, "failed");
            LOG.warnf("delivery %s to destination %s failed for good after %d attempts: %s", o.id(), o.destinationId(),
                    attempt, result.detail());
        } else {
            long delay = backoff.after(attempt, ThreadLocalRandom.current().nextDouble()).toMillis();
            outbox.retry(o.id(), result.statusCode(), result.error(), delay);
            count(o, "retried");
            // the delivery log keeps the category only; what exactly happened is for the operator
            LOG.infof("delivery %s to destination %s, attempt %d failed (retried in %d ms): %s", o.id(), o.destinationId(),
                    attempt, delay, result.detail());
        }
    }

    /** A TLS syslog destination's settings with its client key unsealed; null for other transports. */
    private SyslogTls tls(OutboxRepository.Outgoing o) {
        if (o.transport() != SyslogTransport.TLS) {
            return null;
        }
        return new SyslogTls(o.tlsCaCertificate(), o.tlsClientCertificate(),
                o.tlsClientKey() == null ? null : seal.open(o.tlsClientKey(), o.destinationId()), o.tlsVerifyHostname());
    }

    private void count(OutboxRepository.Outgoing o, String outcome) {
        registry.counter("vigil.notify.deliveries", "kind", o.kind().name().toLowerCase(), "outcome", outcome).increment();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
