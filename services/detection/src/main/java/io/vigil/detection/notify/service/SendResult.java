package io.vigil.detection.notify.service;

/**
 * What one delivery attempt came to.
 *
 * @param statusCode the webhook's HTTP status (null for syslog or when no answer came)
 * @param error      why it failed (null when delivered)
 */
public record SendResult(boolean ok, Integer statusCode, String error) {

    public static SendResult delivered(Integer statusCode) {
        return new SendResult(true, statusCode, null);
    }

    public static SendResult failed(Integer statusCode, String error) {
        return new SendResult(false, statusCode, error.length() > 500 ? error.substring(0, 500) : error);
    }
}
