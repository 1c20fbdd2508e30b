package io.vigil.detection.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** Every vigil.notify.* setting: delivery pacing, retries, timeouts, and which receivers may be addressed. */
@ConfigMapping(prefix = "vigil.notify")
public interface NotifyConfig {

    /** Whether this instance sends deliveries (it always queues them). */
    @WithDefault("true")
    boolean enabled();

    /** How often due deliveries are looked for besides the immediate send after an alert change. */
    @WithName("poll-interval")
    @WithDefault("2s")
    Duration pollInterval();

    /** Deliveries claimed per round. */
    @WithName("batch-size")
    @WithDefault("50")
    int batchSize();

    /** Deliveries sent in parallel. */
    @WithDefault("4")
    int senders();

    /** How long a claimed delivery is reserved for this instance; after a crash others take it up when it ends. */
    @WithDefault("60s")
    Duration lease();

    /** Attempts before a delivery is FAILED. */
    @WithName("max-attempts")
    @WithDefault("8")
    int maxAttempts();

    @WithName("backoff-initial")
    @WithDefault("10s")
    Duration backoffInitial();

    @WithName("backoff-max")
    @WithDefault("1h")
    Duration backoffMax();

    @WithName("connect-timeout")
    @WithDefault("5s")
    Duration connectTimeout();

    @WithName("request-timeout")
    @WithDefault("10s")
    Duration requestTimeout();

    /** Allow receivers on loopback, link-local, private and unique-local addresses (dev/test; off in prod against SSRF). */
    @WithName("allow-private-addresses")
    @WithDefault("false")
    boolean allowPrivateAddresses();

    /** Refuse plain-http webhook URLs (the body carries alert details). */
    @WithName("webhook-require-https")
    @WithDefault("true")
    boolean webhookRequireHttps();

    /** HOSTNAME of the syslog header; default the machine's name. */
    @WithName("syslog-hostname")
    Optional<String> syslogHostname();

    /** Syslog facility, 0..23 (default 16, local0). */
    @WithName("syslog-facility")
    @WithDefault("16")
    int syslogFacility();

    /** The key sealing webhook signing secrets at rest (SecretSeal): 32 bytes in base64; prod has no default. */
    @WithName("secret-key")
    String secretKey();

    /** Seal webhook secrets still stored in plaintext (rows from before sealing) when the service starts. */
    @WithName("seal-plaintext-at-start")
    @WithDefault("true")
    boolean sealPlaintextAtStart();

    /** Destinations per customer, and MSP-wide per MSP. */
    @WithName("max-destinations")
    @WithDefault("20")
    int maxDestinations();
}
