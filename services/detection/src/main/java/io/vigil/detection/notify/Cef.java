package io.vigil.detection.notify;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * ArcSight Common Event Format lines ("CEF:0|vendor|product|version|signature id|name|severity|extensions"), escaped
 * as the CEF standard requires, so a SIEM splits them into the right fields whatever an alert's text contains.
 */
public final class Cef {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,1023}");

    private Cef() {
    }

    /**
     * One CEF line.
     *
     * @param severity   0 (lowest) to 10
     * @param extensions key=value pairs in order; null values are left out; keys must be plain alphanumeric
     */
    public static String format(String vendor, String product, String version, String signatureId, String name,
                                int severity, Map<String, String> extensions) {
        if (severity < 0 || severity > 10) {
            throw new IllegalArgumentException("CEF severity must be 0..10: " + severity);
        }
        StringBuilder sb = new StringBuilder("CEF:0|").append(header(vendor)).append('|').append(header(product)).append('|')
                .append(header(version)).append('|').append(header(signatureId)).append('|').append(header(name)).append('|')
                .append(severity).append('|');
        String sep = "";
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("not a CEF extension key: " + e.getKey());
            }
            sb.append(sep).append(e.getKey()).append('=').append(value(e.getValue()));
            sep = " ";
        }
        return sb.toString();
    }

    /** A header field: backslash and pipe escaped; line breaks, which the header may not hold, become spaces. */
    public static String header(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '|' -> sb.append("\\|");
                case '\r', '\n' -> sb.append(' ');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** An extension value: backslash and equals escaped, line breaks encoded as \n and \r (pipes need nothing). */
    public static String value(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '=' -> sb.append("\\=");
                case '\n' -> sb.append("\\n");
                case '\r' -> {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                        i++;
                        sb.append("\\n");
                    } else {
                        sb.append("\\r");
                    }
                }
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
