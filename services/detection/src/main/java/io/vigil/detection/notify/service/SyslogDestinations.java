package io.vigil.detection.notify.service;

import io.vigil.detection.notify.Destination;
import io.vigil.detection.notify.SecretSeal;
import io.vigil.detection.notify.SyslogTls;
import io.vigil.detection.notify.SyslogTransport;
import io.vigil.detection.notify.rest.DestinationCreate;
import io.vigil.detection.notify.rest.DestinationTls;
import io.vigil.lib.api.problem.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A syslog destination from the body that creates it: what is wrong with it field by field, and the stored row. */
final class SyslogDestinations {

    private SyslogDestinations() {
    }

    /** Every field error of a syslog destination's body (empty when it is usable). */
    static List<Problem.FieldError> problems(DestinationCreate body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body.host() == null || body.host().isBlank() || !body.host().matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            errors.add(new Problem.FieldError("host", "syslog needs a host name or address"));
        }
        if (body.port() == null && body.transport() != SyslogTransport.TLS) {
            errors.add(new Problem.FieldError("port", "syslog needs a port (TLS: default " + SyslogTls.DEFAULT_PORT + ")"));
        }
        if (body.transport() == null) {
            errors.add(new Problem.FieldError("transport", "syslog needs TCP, UDP or TLS"));
        }
        if (body.url() != null) {
            errors.add(new Problem.FieldError("url", "only for webhooks"));
        }
        DestinationTls tls = body.tls();
        if (tls != null) {
            if (body.transport() != SyslogTransport.TLS) {
                errors.add(new Problem.FieldError("tls", "only for transport TLS"));
            } else {
                for (Map.Entry<String, String> p : SyslogTls.problems(tls.caCertificate(), tls.clientCertificate(),
                        tls.clientKey()).entrySet()) {
                    errors.add(new Problem.FieldError(p.getKey(), p.getValue()));
                }
            }
        }
        return errors;
    }

    /** Fills the syslog fields of a new destination whose id is set; a client key is sealed to that id. */
    static void apply(DestinationCreate body, Destination d, SecretSeal seal) {
        d.host = body.host();
        d.transport = body.transport();
        d.port = body.port() == null ? SyslogTls.DEFAULT_PORT : body.port();
        DestinationTls tls = body.tls();
        if (d.transport == SyslogTransport.TLS && tls != null) {
            d.tlsCaCertificate = tls.caCertificate();
            d.tlsClientCertificate = tls.clientCertificate();
            d.tlsClientKey = tls.clientKey() == null ? null : seal.seal(tls.clientKey(), d.id);
            d.tlsVerifyHostname = tls.verifyHostname() == null || tls.verifyHostname();
        }
    }
}
