package io.vigil.detection.notify;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 5424 syslog messages ("&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG", no structured data) and
 * RFC 6587 octet-counting frames for TCP, so receivers parse each field without guessing.
 */
public final class Syslog5424 {

    /** local0: Vigil's messages are the MSP's own, not the kernel's or a daemon's. */
    public static final int FACILITY_LOCAL0 = 16;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    private Syslog5424() {
    }

    /**
     * One message. The header fields are cut to their RFC lengths and anything outside printable US-ASCII becomes "_";
     * MSG is sent as UTF-8 without a BOM (MSG-ANY), which is what CEF receivers expect.
     *
     * @param severity syslog severity, 0 (emergency) to 7 (debug)
     */
    public static String message(int facility, int severity, Instant timestamp, String hostname, String appName,
                                 String procId, String msgId, String msg) {
        if (facility < 0 || facility > 23 || severity < 0 || severity > 7) {
            throw new IllegalArgumentException("facility 0..23 and severity 0..7: " + facility + ", " + severity);
        }
        return "<" + (facility * 8 + severity) + ">1 " + TIMESTAMP.format(timestamp) + ' ' + field(hostname, 255) + ' '
                + field(appName, 48) + ' ' + field(procId, 128) + ' ' + field(msgId, 32) + " - " + msg;
    }

    /** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
    public static byte[] octetCounted(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(body, 0, frame, prefix.length, body.length);
        return frame;
    }

    static String field(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 33 && c <= 126 ? c : '_');
        }
        return sb.toString();
    }
}
