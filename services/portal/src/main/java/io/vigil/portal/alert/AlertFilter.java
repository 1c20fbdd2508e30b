package io.vigil.portal.alert;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert list's filters, as query parameters. Status defaults to OPEN (what needs triage); "ALL" lifts it.
 *
 * @param customer one customer's id, or null for every customer the user can see
 */
public record AlertFilter(String customer, String status, String type, String severity, String source) {

    public static final List<String> STATUSES = List.of("OPEN", "ACKNOWLEDGED", "RESOLVED", "ALL");
    public static final List<String> TYPES = List.of("HORIZONTAL", "VERTICAL", "HOST_SWEEP", "UDP", "STEALTH");
    public static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW");

    static AlertFilter of(String customer, String status, String type, String severity, String source) {
        return new AlertFilter(blank(customer), status == null || status.isBlank() ? "OPEN" : status, blank(type),
                blank(severity), blank(source));
    }

    /** The status the API is asked for: null for all. */
    String apiStatus() {
        return "ALL".equals(status) ? null : status;
    }

    /** This filter as a query string, for the links back after a bulk change. */
    public String query() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("customer", customer);
        q.put("status", status);
        q.put("type", type);
        q.put("severity", severity);
        q.put("source", source);
        StringBuilder s = new StringBuilder();
        q.forEach((k, v) -> {
            if (v != null) {
                s.append(s.isEmpty() ? "?" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return s.toString();
    }

    public List<String> statuses() {
        return STATUSES;
    }

    public List<String> types() {
        return TYPES;
    }

    public List<String> severities() {
        return SEVERITIES;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
