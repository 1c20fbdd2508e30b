package io.vigil.detection.notify;

/** Where a delivery stands: waiting (or retrying), done, given up after the last attempt, or dropped unsent. */
public enum DeliveryStatus {
    PENDING,
    DELIVERED,
    /** Every attempt failed. */
    FAILED,
    /** Never sent: the alert change it announces was rolled back, or the destination was disabled. */
    DROPPED
}
