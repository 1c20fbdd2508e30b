package io.vigil.detection.notify.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.notify.Destination;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.SyslogTransport;
import io.vigil.detection.model.Severity;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A destination as the API shows it.
 *
 * @param customerId null for an MSP-wide destination
 * @param url        the webhook URL; for a caller who cannot change the destination only its origin
 *                   ("https://hooks.example.com/…"): path and query often hold the receiver's own credentials
 * @param tls        a TLS syslog destination's CA, client certificate and host name checking (never the client key)
 * @param secret     the webhook signing secret: only in the answers to creation and rotation, never again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationView(String id, String mspId, String customerId, String name, DestinationKind kind, boolean enabled,
                              Severity minSeverity, List<String> events, String url, String host, Integer port,
                              SyslogTransport transport, DestinationTls tls, String createdBy, Instant createdAt,
                              Instant updatedAt, String secret) {

    /** As a caller who manages it sees it (whole URL), with the secret when it was just made. */
    public static DestinationView of(Destination d, String secret) {
        DestinationTls tls = d.transport == SyslogTransport.TLS ? DestinationTls.of(d) : null;
        return new DestinationView(d.id, d.mspId, d.customerId, d.name, d.kind, d.enabled, d.minSeverity, List.of(d.events),
                d.url, d.host, d.port, d.transport, tls, d.createdBy, d.createdAt, d.updatedAt, secret);
    }

    /** As {@code manager} or a reader sees it: never the secret, and for a reader only the URL's origin. */
    public static DestinationView of(Destination d, boolean manager) {
        DestinationView v = of(d, null);
        return manager ? v : new DestinationView(v.id, v.mspId, v.customerId, v.name, v.kind, v.enabled, v.minSeverity, v.events,
                origin(v.url), v.host, v.port, v.transport, v.tls, v.createdBy, v.createdAt, v.updatedAt, null);
    }

    /** "https://hooks.example.com/…" for any URL with a path or query; null stays null. */
    static String origin(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = URI.create(url);
            boolean bare = (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")) && u.getRawQuery() == null
                    && u.getRawFragment() == null;
            return u.getScheme() + "://" + u.getRawAuthority() + (bare ? "/" : "/…");
        } catch (IllegalArgumentException e) {
            return "…";
        }
    }
}
