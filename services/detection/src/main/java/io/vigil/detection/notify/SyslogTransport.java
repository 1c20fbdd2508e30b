package io.vigil.detection.notify;

/**
 * How syslog reaches a SIEM: TCP (RFC 6587 octet counting; acknowledged by the connection), UDP (RFC 5426; fire and
 * forget), or TLS (RFC 5425: octet counting inside TLS, the receiver's certificate checked; {@link SyslogTls}).
 */
public enum SyslogTransport { TCP, UDP, TLS }
