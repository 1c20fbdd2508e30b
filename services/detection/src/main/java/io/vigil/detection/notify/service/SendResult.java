package io.vigil.detection.notify.service;

import javax.net.ssl.SSLException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * What one delivery attempt came to. Callers of the API see {@code error}, a short category; {@code detail} (host,
 * addresses, the exception) goes to the server log only, so the delivery log tells nobody what an internal name
 * resolves to or which internal ports answer.
 *
 * @param statusCode the webhook's HTTP status (null for syslog or when no answer came)
 * @param error      why it failed, as a category such as "refused: non-public address", "connect failed", "HTTP 500"
 *                   (null when delivered)
 * @param detail     the same with everything known, for the log (null when delivered)
 */
public record SendResult(boolean ok, Integer statusCode, String error, String detail) {

    public static final String CONNECT_FAILED = "connect failed";
    public static final String TIMED_OUT = "timed out";
    public static final String TLS_FAILED = "TLS failed";
    /** The receiver's certificate does not chain to a trusted CA (the destination's, or the JVM's). */
    public static final String TLS_UNTRUSTED = "TLS failed: untrusted certificate";
    /** The receiver's certificate is for another name than the destination's host. */
    public static final String TLS_WRONG_HOST = "TLS failed: certificate does not match the host";
    public static final String TLS_EXPIRED = "TLS failed: certificate expired or not yet valid";
    /** The receiver ended the handshake with an alert, such as refusing the client certificate. */
    public static final String TLS_REFUSED = "TLS failed: refused by the receiver";
    /** The destination's stored certificates or key do not parse (checked at creation, so changed since). */
    public static final String TLS_SETTINGS = "TLS failed: unusable destination settings";
    public static final String SEND_FAILED = "send failed";

    public static SendResult delivered(Integer statusCode) {
        return new SendResult(true, statusCode, null, null);
    }

    public static SendResult failed(Integer statusCode, String category, String detail) {
        return new SendResult(false, statusCode, category, detail.length() > 500 ? detail.substring(0, 500) : detail);
    }

    /** An HTTP answer other than 2xx. */
    public static SendResult status(int statusCode) {
        return failed(statusCode, "HTTP " + statusCode, "HTTP " + statusCode);
    }

    /** A failure to reach or talk to the receiver, by its kind. */
    public static SendResult failed(Throwable e) {
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return failed(null, category(e), detail);
    }

    static String category(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException) {
                return tls(e);
            }
            if (c instanceof TimeoutException || c instanceof java.net.SocketTimeoutException
                    || c.getClass().getSimpleName().contains("Timeout")) {
                return TIMED_OUT;
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof PortUnreachableException
                    || c.getClass().getSimpleName().contains("Connect")) {
                return CONNECT_FAILED;
            }
        }
        return SEND_FAILED;
    }

    /**
     * Why a TLS handshake failed, as far as a caller may know: certificate problems say what to fix (they name no
     * address); an alert from the receiver carries its name, such as "bad_certificate" for a refused client certificate.
     */
    static String tls(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = e; c != null && chain.size() < 20; c = c.getCause() == c ? null : c.getCause()) {
            chain.add(c);
        }
        // the most precise reason first: an expired certificate also fails the path, which wraps it
        for (Throwable c : chain) {
            if (c instanceof CertificateExpiredException || c instanceof CertificateNotYetValidException
                    || c instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return TLS_EXPIRED;
            }
        }
        for (Throwable c : chain) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            // the JDK's host name check (sun.security.util.HostnameChecker) says so in these words
            if (c instanceof CertificateException && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return TLS_WRONG_HOST;
            }
        }
        for (Throwable c : chain) {
            String m = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException || m.contains("PKIX path")) {
                return TLS_UNTRUSTED;
            }
            int alert = m.indexOf("Received fatal alert: ");
            if (alert >= 0) {
                String name = m.substring(alert + "Received fatal alert: ".length()).strip();
                return TLS_REFUSED + " (" + (name.matches("[a-z_0-9]{1,40}") ? name : "alert") + ")";
            }
        }
        return TLS_FAILED;
    }
}
