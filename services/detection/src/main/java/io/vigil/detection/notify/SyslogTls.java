package io.vigil.detection.notify;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a syslog-over-TLS destination (RFC 5425) trusts and presents: the CA certificates (PEM) its receiver's certificate
 * must chain to (none: the JVM's trust store), an optional client certificate chain and key (PEM, PKCS #8) for mutual
 * TLS, and whether the receiver's certificate must name the destination's host (RFC 5425 §5.2; on unless turned off).
 * Checks what a caller gives field by field ({@link #problems}) and builds the SSLContext a delivery uses.
 *
 * @param clientKey the private key in the clear (it is sealed at rest by {@link SecretSeal})
 */
public record SyslogTls(String caCertificate, String clientCertificate, String clientKey, boolean verifyHostname) {

    /** RFC 5425 §4.1: syslog over TLS is registered on TCP port 6514. */
    public static final int DEFAULT_PORT = 6514;

    /** The field names the API uses, as problem+json names them. */
    public static final String CA_FIELD = "tls.caCertificate";
    public static final String CERT_FIELD = "tls.clientCertificate";
    public static final String KEY_FIELD = "tls.clientKey";

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final byte[] PROBE = "vigil: does this key belong to this certificate".getBytes(StandardCharsets.US_ASCII);

    /** Trusts the JVM's store, presents nothing, checks the host name: a destination that gave no tls object. */
    public static SyslogTls defaults() {
        return new SyslogTls(null, null, null, true);
    }

    /** Whether a client certificate is presented (mutual TLS). */
    public boolean mutual() {
        return clientCertificate != null;
    }

    /**
     * What is wrong with these settings, by API field name (empty when they are usable): each PEM must hold what its
     * field is for, a client certificate needs its key and the key must be the certificate's.
     */
    public static Map<String, String> problems(String caCertificate, String clientCertificate, String clientKey) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (caCertificate != null) {
            try {
                certificates(caCertificate, CA_FIELD);
            } catch (IllegalArgumentException e) {
                problems.put(CA_FIELD, e.getMessage());
            }
        }
        List<X509Certificate> chain = null;
        if (clientCertificate != null) {
            try {
                chain = certificates(clientCertificate, CERT_FIELD);
            } catch (IllegalArgumentException e) {
                problems.put(CERT_FIELD, e.getMessage());
            }
        }
        PrivateKey key = null;
        if (clientKey != null) {
            try {
                key = privateKey(clientKey);
            } catch (IllegalArgumentException e) {
                problems.put(KEY_FIELD, e.getMessage());
            }
        }
        if (clientCertificate != null && clientKey == null) {
            problems.put(KEY_FIELD, "a client certificate needs its private key");
        } else if (clientKey != null && clientCertificate == null) {
            problems.put(CERT_FIELD, "a client key needs its certificate");
        } else if (chain != null && key != null && !belongsTo(key, chain.get(0))) {
            problems.put(KEY_FIELD, "is not the key of the first certificate in " + CERT_FIELD);
        }
        return problems;
    }

    /**
     * The context a connection is made with. Settings that passed {@link #problems} always build; an
     * IllegalArgumentException here means a stored value was damaged.
     */
    public SSLContext sslContext() {
        try {
            TrustManager[] trust = null;
            if (caCertificate != null) {
                KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                int i = 0;
                for (X509Certificate c : certificates(caCertificate, CA_FIELD)) {
                    anchors.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(anchors);
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (mutual()) {
                char[] password = new char[0];
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("client", privateKey(clientKey), password,
                        certificates(clientCertificate, CERT_FIELD).toArray(X509Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(own, password);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("the JDK's TLS is not usable: " + e.getMessage(), e);
        }
    }

    /** Every CERTIFICATE block of a PEM text; anything else in it (a key above all) is refused. */
    static List<X509Certificate> certificates(String pem, String field) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (!b.type().equals("CERTIFICATE")) {
                    throw new IllegalArgumentException(b.type().contains("PRIVATE KEY")
                            ? "holds a private key: give certificates only, and never a key here"
                            : "holds a " + b.type() + " block: give PEM certificates (BEGIN CERTIFICATE) only");
                }
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("a CERTIFICATE block is not an X.509 certificate");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + field);
        }
        return out;
    }

    /** An unencrypted PKCS #8 key (BEGIN PRIVATE KEY): RSA, EC or EdDSA. */
    static PrivateKey privateKey(String pem) {
        List<Block> blocks = blocks(pem);
        if (blocks.size() != 1) {
            throw new IllegalArgumentException("must be exactly one PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        Block b = blocks.get(0);
        switch (b.type()) {
            case "PRIVATE KEY" -> {
                for (String algorithm : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(b.der()));
                    } catch (GeneralSecurityException notThisOne) {
                        // try the next algorithm
                    }
                }
                throw new IllegalArgumentException("not an RSA, EC or EdDSA private key");
            }
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                    "is encrypted: give it unencrypted (it is sealed at rest); openssl pkcs8 -topk8 -nocrypt converts it");
            case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalArgumentException(
                    "is a " + b.type() + " (PKCS #1 / SEC 1): give PKCS #8 (BEGIN PRIVATE KEY); openssl pkcs8 -topk8 -nocrypt converts it");
            default -> throw new IllegalArgumentException("holds a " + b.type() + " block, not a private key");
        }
    }

    private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key, new SecureRandom());
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a " + m.group(1) + " block is not valid base64");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("not PEM: no -----BEGIN ...----- / -----END ...----- block");
        }
        return out;
    }

    @Override
    public String toString() {
        // never the key, whatever logs a destination's settings
        return "SyslogTls[ca=" + (caCertificate != null) + ", client=" + mutual() + ", verifyHostname=" + verifyHostname + "]";
    }
}
