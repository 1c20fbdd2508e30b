package io.vigil.detection.notify.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.detection.notify.Destination;
import jakarta.validation.constraints.Size;

/**
 * The {@code tls} object of a syslog destination with transport TLS (RFC 5425). All of it is optional: without it the
 * receiver's certificate must chain to the JVM's trust store and name the destination's host.
 *
 * @param caCertificate     PEM CA certificate(s) the receiver's certificate must chain to, instead of the JVM's store
 * @param clientCertificate for mutual TLS: the PEM certificate (then any intermediates) Vigil presents
 * @param clientKey         its private key, PEM PKCS #8 unencrypted ("BEGIN PRIVATE KEY"); accepted on creation,
 *                          stored sealed, never shown
 * @param verifyHostname    whether the receiver's certificate must name the host (default true)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestinationTls(
        @Size(max = 65536) String caCertificate,
        @Size(max = 65536) String clientCertificate,
        @Size(max = 16384) String clientKey,
        Boolean verifyHostname) {

    /** As the API shows a destination's settings: never the key. */
    static DestinationTls of(Destination d) {
        return new DestinationTls(d.tlsCaCertificate, d.tlsClientCertificate, null, d.tlsVerifyHostname);
    }
}
