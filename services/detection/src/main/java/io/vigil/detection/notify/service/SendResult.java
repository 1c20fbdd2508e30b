package io.vigil.detection.notify.service;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
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
                return TLS_FAILED;
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
}
