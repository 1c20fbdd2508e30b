package io.vigil.detection.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.detection.notify.service.SendResult;
import io.vigil.detection.notify.service.SyslogSender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The syslog sender over TLS (RFC 5425) against a real rsyslogd with its OpenSSL driver on loopback, with certificates
 * this test issues: what it trusts, the host name check and mutual TLS, and the reason a failed handshake records.
 */
class SyslogTlsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static Path dir;
    private static TestPki pki;
    private static TestPki.Issued server;
    private static TestPki.Issued otherName;
    private static TestPki.Issued client;
    private static TestPki.Issued stranger;
    private static RsyslogReceiver rsyslog;
    private static RsyslogReceiver wrongName;
    private static RsyslogReceiver mutual;

    @BeforeAll
    static void start() throws Exception {
        dir = Path.of("target", "rsyslog-tls-" + RUN).toAbsolutePath();
        pki = TestPki.ca(dir.resolve("pki"), "vigil-test-ca");
        server = pki.issue("rsyslog", "ip:127.0.0.1,dns:localhost", "serverAuth");
        otherName = pki.issue("siem.example.invalid", "dns:siem.example.invalid", "serverAuth");
        client = pki.issue("vigil-detection", null, "clientAuth");
        stranger = TestPki.ca(dir.resolve("pki-other"), "someone-else").issue("vigil-impostor", null, "clientAuth");
        rsyslog = RsyslogReceiver.startTls(dir.resolve("anon"), pki.caFile(), server.certificateFile(), server.keyFile(), false);
        wrongName = RsyslogReceiver.startTls(dir.resolve("name"), pki.caFile(), otherName.certificateFile(), otherName.keyFile(),
                false);
        mutual = RsyslogReceiver.startTls(dir.resolve("mutual"), pki.caFile(), server.certificateFile(), server.keyFile(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RsyslogReceiver r : new RsyslogReceiver[]{rsyslog, wrongName, mutual}) {
            if (r != null) {
                r.close();
            }
        }
    }

    private static SyslogSender sender() {
        return new SyslogSender(new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("vigil.notify.secret-key", Base64.getEncoder().encodeToString(new byte[32]))
                .withDefaultValue("vigil.notify.allow-private-addresses", "true")
                .withMapping(NotifyConfig.class).build().getConfigMapping(NotifyConfig.class));
    }

    private static String message(String id) {
        return Syslog5424.message(16, 3, Instant.now(), "vigil-test", "vigil-detection", "42", "OPENED", "CEF:0|Vigil|Vigil|1|t|"
                + id + "|8|");
    }

    private static long arrived(RsyslogReceiver r, String id) throws Exception {
        return r.received().stream().filter(n -> n.get("msg").asText().contains(id)).count();
    }

    @Test
    void aMessageToAReceiverWhoseCertificateChainsToTheGivenCaArrivesAsRfc5424() throws Exception {
        String id = "tls-ok-" + RUN;
        SendResult r = sender().send("127.0.0.1", rsyslog.port(), SyslogTransport.TLS,
                new SyslogTls(pki.caPem(), null, null, true), message(id));
        assertTrue(r.ok(), r.toString());
        JsonNode line = rsyslog.await(n -> n.get("msg").asText().contains(id), Duration.ofSeconds(10));
        assertEquals("imtcp", line.get("input").asText());
        assertEquals("1", line.get("version").asText(), line.toString());
        assertEquals("131", line.get("pri").asText());
        assertEquals("vigil-detection", line.get("app").asText());
        assertEquals("OPENED", line.get("msgid").asText());
        assertEquals("42", line.get("procid").asText());
        assertTrue(SyslogNotificationsIT.RFC5424.matcher(line.get("raw").asText()).matches(), line.get("raw").asText());

        // by the name its certificate gives too
        String byName = "tls-name-" + RUN;
        assertTrue(sender().send("localhost", rsyslog.port(), SyslogTransport.TLS, new SyslogTls(pki.caPem(), null, null, true),
                message(byName)).ok());
        rsyslog.await(n -> n.get("msg").asText().contains(byName), Duration.ofSeconds(10));
    }

    @Test
    void aReceiverCertificateFromACaNotTrustedFailsAsUntrustedAndSendsNothing() throws Exception {
        String id = "tls-untrusted-" + RUN;
        // no CA given: the JVM's trust store, which does not know the test CA
        SendResult r = sender().send("127.0.0.1", rsyslog.port(), SyslogTransport.TLS, SyslogTls.defaults(), message(id));
        assertFalse(r.ok());
        assertEquals(SendResult.TLS_UNTRUSTED, r.error(), r.detail());
        Thread.sleep(500);
        assertEquals(0, arrived(rsyslog, id));
    }

    @Test
    void aCertificateForAnotherNameFailsUnlessHostNameCheckingIsOff() throws Exception {
        String id = "tls-wrong-name-" + RUN;
        SendResult r = sender().send("127.0.0.1", wrongName.port(), SyslogTransport.TLS, new SyslogTls(pki.caPem(), null, null, true),
                message(id));
        assertFalse(r.ok());
        assertEquals(SendResult.TLS_WRONG_HOST, r.error(), r.detail());

        SendResult unchecked = sender().send("127.0.0.1", wrongName.port(), SyslogTransport.TLS,
                new SyslogTls(pki.caPem(), null, null, false), message(id));
        assertTrue(unchecked.ok(), unchecked.toString());
        wrongName.await(n -> n.get("msg").asText().contains(id), Duration.ofSeconds(10));
        assertEquals(1, arrived(wrongName, id), "only the send that skipped the name check arrived");
    }

    @Test
    void aReceiverThatRequiresAClientCertificateTakesOursAndRefusesNoneOrAStrangers() throws Exception {
        String id = "tls-mutual-" + RUN;
        SendResult r = sender().send("127.0.0.1", mutual.port(), SyslogTransport.TLS,
                new SyslogTls(pki.caPem(), client.certificate(), client.key(), true), message(id));
        assertTrue(r.ok(), r.toString());
        mutual.await(n -> n.get("msg").asText().contains(id), Duration.ofSeconds(10));

        String without = "tls-no-client-" + RUN;
        SendResult none = sender().send("127.0.0.1", mutual.port(), SyslogTransport.TLS, new SyslogTls(pki.caPem(), null, null, true),
                message(without));
        assertFalse(none.ok(), "refused without a client certificate");
        assertTrue(none.error().startsWith(SendResult.TLS_REFUSED), none.error() + " / " + none.detail());

        String impostor = "tls-impostor-" + RUN;
        SendResult other = sender().send("127.0.0.1", mutual.port(), SyslogTransport.TLS,
                new SyslogTls(pki.caPem(), stranger.certificate(), stranger.key(), true), message(impostor));
        assertFalse(other.ok(), "refused with a certificate of another CA");
        assertTrue(other.error().startsWith(SendResult.TLS_REFUSED), other.error() + " / " + other.detail());
        Thread.sleep(500);
        assertEquals(0, arrived(mutual, without) + arrived(mutual, impostor));
        assertNull(r.error());
    }
}
