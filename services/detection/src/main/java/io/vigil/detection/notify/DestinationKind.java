package io.vigil.detection.notify;

/** How a destination is reached. */
public enum DestinationKind {
    /** HTTPS POST of a signed JSON body. */
    WEBHOOK,
    /** RFC 5424 syslog with a CEF message, to a SIEM. */
    SYSLOG
}
