package io.vigil.detection.notify;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a caller may give a TLS syslog destination: each PEM field checked for what it is for, named when it is wrong. */
class SyslogTlsTest {

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static TestPki.Issued client;
    private static TestPki.Issued other;

    @BeforeAll
    static void issue() throws Exception {
        pki = TestPki.ca(dir, "unit-ca");
        client = pki.issue("vigil-client", null, "clientAuth");
        other = pki.issue("someone-else", null, "clientAuth");
    }

    @Test
    void aCaAndAClientCertificateWithItsKeyAreAcceptedAndBuildAContext() throws Exception {
        assertEquals(Map.of(), SyslogTls.problems(pki.caPem(), client.certificate(), client.key()));
        SSLContext context = new SyslogTls(pki.caPem(), client.certificate(), client.key(), true).sslContext();
        assertNotNull(context.getSocketFactory());
        assertNotNull(SyslogTls.defaults().sslContext(), "nothing given: the JVM's trust store");
    }

    @Test
    void textThatIsNotPemIsRefusedInTheFieldItWasGiven() throws Exception {
        Map<String, String> p = SyslogTls.problems("my CA", null, null);
        assertEquals(1, p.size());
        assertTrue(p.get(SyslogTls.CA_FIELD).startsWith("not PEM"), p.toString());

        String damaged = pki.caPem().replaceFirst("(?m)^([A-Za-z0-9+/]{20})", "AAAAAAAAAAAAAAAAAAAA");
        assertTrue(SyslogTls.problems(damaged, null, null).containsKey(SyslogTls.CA_FIELD));
        assertTrue(SyslogTls.problems(null, "-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----", client.key())
                .containsKey(SyslogTls.CERT_FIELD));
    }

    @Test
    void aPrivateKeyPastedAsTheCaIsRefusedAsAKey() {
        Map<String, String> p = SyslogTls.problems(client.key(), null, null);
        assertTrue(p.get(SyslogTls.CA_FIELD).contains("private key"), p.toString());
        assertFalse(p.get(SyslogTls.CA_FIELD).contains(client.key().substring(30, 60)), "the key is not echoed");
    }

    @Test
    void aClientCertificateNeedsItsOwnKeyAndAKeyNeedsItsCertificate() {
        assertEquals("a client certificate needs its private key",
                SyslogTls.problems(null, client.certificate(), null).get(SyslogTls.KEY_FIELD));
        assertEquals("a client key needs its certificate", SyslogTls.problems(null, null, client.key()).get(SyslogTls.CERT_FIELD));
        assertTrue(SyslogTls.problems(null, client.certificate(), other.key()).get(SyslogTls.KEY_FIELD)
                .startsWith("is not the key of"));
    }

    @Test
    void encryptedAndPkcs1KeysAreRefusedWithHowToConvertThem() {
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        String rsa = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
        assertTrue(SyslogTls.problems(null, client.certificate(), encrypted).get(SyslogTls.KEY_FIELD).contains("openssl pkcs8"));
        assertTrue(SyslogTls.problems(null, client.certificate(), rsa).get(SyslogTls.KEY_FIELD).contains("PKCS #8"));
        assertTrue(SyslogTls.problems(null, client.certificate(), client.certificate()).get(SyslogTls.KEY_FIELD)
                .contains("CERTIFICATE block"));
    }

    @Test
    void theSettingsNeverPrintTheKey() {
        String shown = new SyslogTls(null, client.certificate(), client.key(), true).toString();
        assertFalse(shown.contains("PRIVATE"), shown);
    }
}
