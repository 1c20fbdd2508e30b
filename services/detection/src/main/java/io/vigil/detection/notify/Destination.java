package io.vigil.detection.notify;

import io.vigil.detection.model.Severity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Where one customer's (or, with no customer, all of an MSP's customers') alert notifications go. */
@Entity
@Table(name = "notification_destinations")
public class Destination {

    @Id
    public String id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "msp_id", nullable = false)
    public String mspId;

    /** Null for an MSP-wide destination. */
    @Column(name = "customer_id")
    public String customerId;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DestinationKind kind;

    public boolean enabled;

    @Enumerated(EnumType.STRING)
    @Column(name = "min_severity", nullable = false)
    public Severity minSeverity;

    /** NotificationEvent names. */
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] events;

    public String url;

    /** The webhook's HMAC key, sealed (SecretSeal); shown to the caller only in the answers to creation and rotation. */
    public String secret;

    public String host;

    public Integer port;

    @Enumerated(EnumType.STRING)
    public SyslogTransport transport;

    /** TLS syslog: PEM CA certificates the receiver must chain to; null trusts the JVM's store. */
    @Column(name = "tls_ca_certificate")
    public String tlsCaCertificate;

    /** TLS syslog with mutual TLS: the PEM certificate chain presented. */
    @Column(name = "tls_client_certificate")
    public String tlsClientCertificate;

    /** Its PKCS #8 key, sealed (SecretSeal) like a webhook secret; never shown. */
    @Column(name = "tls_client_key")
    public String tlsClientKey;

    /** TLS syslog: the receiver's certificate must name {@link #host}. */
    @Column(name = "tls_verify_hostname", nullable = false)
    public boolean tlsVerifyHostname = true;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
