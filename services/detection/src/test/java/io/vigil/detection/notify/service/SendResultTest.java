package io.vigil.detection.notify.service;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reason a failed TLS handshake leaves in the delivery log, from the exceptions the JDK throws for each case. */
class SendResultTest {

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void anExpiredCertificateIsExpiredThoughThePathFailedToo() {
        Throwable e = handshake("PKIX path validation failed: validity check failed", new CertPathValidatorException(
                "validity check failed", new CertificateExpiredException("NotAfter: ..."), null, -1,
                CertPathValidatorException.BasicReason.EXPIRED));
        assertEquals(SendResult.TLS_EXPIRED, SendResult.failed(e).error());
    }

    @Test
    void aNameMismatchAndAnUnknownCaAndAnAlertEachHaveTheirReason() {
        assertEquals(SendResult.TLS_WRONG_HOST, SendResult.failed(handshake("No subject alternative names matching IP address"
                + " 10.1.2.3 found", new CertificateException("No subject alternative names matching IP address 10.1.2.3 found")))
                .error());
        assertEquals(SendResult.TLS_UNTRUSTED, SendResult.failed(handshake("PKIX path building failed: unable to find valid"
                + " certification path to requested target", null)).error());
        assertEquals(SendResult.TLS_REFUSED + " (certificate_required)",
                SendResult.failed(handshake("Received fatal alert: certificate_required", null)).error());
        assertEquals(SendResult.TLS_FAILED, SendResult.failed(handshake("no cipher suites in common", null)).error());
    }

    @Test
    void theLogGetsTheDetailButTheCategoryNamesNoAddress() {
        SendResult r = SendResult.failed(handshake("x", new CertificateException("No name matching siem.internal.corp found")));
        assertEquals(SendResult.TLS_WRONG_HOST, r.error());
        assertEquals("SSLHandshakeException: x", r.detail());
    }
}
