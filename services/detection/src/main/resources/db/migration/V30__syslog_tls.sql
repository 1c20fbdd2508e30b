-- Syslog over TLS (RFC 5425): a third transport, with what the destination trusts and presents.
-- tls_ca_certificate: PEM CA certificates the receiver's certificate must chain to (NULL: the JVM's trust store).
-- tls_client_certificate / tls_client_key: for mutual TLS, the PEM chain and its PKCS #8 key, the key sealed as the
-- webhook secrets are (SecretSeal, bound to the destination id). tls_verify_hostname: the certificate must name host.
ALTER TABLE notification_destinations
    ADD COLUMN tls_ca_certificate     text,
    ADD COLUMN tls_client_certificate text,
    ADD COLUMN tls_client_key         text,
    ADD COLUMN tls_verify_hostname    boolean NOT NULL DEFAULT true;
ALTER TABLE notification_destinations DROP CONSTRAINT notification_destinations_transport_check;
ALTER TABLE notification_destinations
    ADD CONSTRAINT notification_destinations_transport_check CHECK (transport IN ('TCP', 'UDP', 'TLS')),
    ADD CONSTRAINT notification_destinations_tls_check CHECK (
        (transport = 'TLS' OR (tls_ca_certificate IS NULL AND tls_client_certificate IS NULL AND tls_client_key IS NULL))
        AND (tls_client_certificate IS NULL) = (tls_client_key IS NULL)
        AND (tls_client_key IS NULL OR tls_client_key LIKE 'v1:%'));
