package io.vigil.detection.notify.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.notify.Destination;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.SyslogTransport;
import io.vigil.detection.model.Severity;

import java.time.Instant;
import java.util.List;

/**
 * A destination as the API shows it.
 *
 * @param customerId null for an MSP-wide destination
 * @param secret     the webhook signing secret: only in the answers to creation and rotation, never again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationView(String id, String mspId, String customerId, String name, DestinationKind kind, boolean enabled,
                              Severity minSeverity, List<String> events, String url, String host, Integer port,
                              SyslogTransport transport, String createdBy, Instant createdAt, Instant updatedAt,
                              String secret) {

    public static DestinationView of(Destination d) {
        return of(d, null);
    }

    public static DestinationView of(Destination d, String secret) {
        return new DestinationView(d.id, d.mspId, d.customerId, d.name, d.kind, d.enabled, d.minSeverity, List.of(d.events),
                d.url, d.host, d.port, d.transport, d.createdBy, d.createdAt, d.updatedAt, secret);
    }
}
