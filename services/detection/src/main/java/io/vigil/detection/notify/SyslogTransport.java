package io.vigil.detection.notify;

/** Syslog over TCP (RFC 6587 octet counting; acknowledged by the connection) or UDP (RFC 5426; fire and forget). */
public enum SyslogTransport { TCP, UDP }
