package io.vigil.sensor.capture;

/** A capture source could not be opened or read; the message is meant for the operator. */
public final class CaptureException extends Exception {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
