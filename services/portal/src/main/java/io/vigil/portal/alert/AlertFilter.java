package io.vigil.portal.alert;

import io.vigil.portal.api.Families;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert list's filters, as query parameters. Status defaults to OPEN (what needs triage); "ALL" lifts it.
 *
 * @param customer one customer's id, or null for every customer the user can see
 * @param family   a SmartAlert family; a type the portal knows to be of another family is dropped, because the family
 *                 is what someone changed last (the type select only offers the chosen family's types)
 */
public record AlertFilter(String customer, String status, String family, String type, String severity, String source) {

    public static final List<String> STATUSES = List.of("OPEN", "ACKNOWLEDGED", "RESOLVED", "ALL");
    public static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW");

    /** An option of a select: the code sent and the words shown. */
    public record Choice(String value, String label) {
    }

    /**
     * A family's types as an option group of the type select.
     *
     * @param shown whether the group applies to the chosen family (all do when none is chosen); the others are sent
     *              hidden, so that portal.js can show them when the family changes without a reload
     */
    public record TypeGroup(String family, String title, List<Choice> types, boolean shown) {
    }

    static AlertFilter of(String customer, String status, String family, String type, String severity, String source) {
        String f = blank(family);
        String t = blank(type);
        String typeFamily = Families.familyOf(t);
        if (f != null && typeFamily != null && !typeFamily.equals(f)) {
            t = null;
        }
        return new AlertFilter(blank(customer), status == null || status.isBlank() ? "OPEN" : status, f, t,
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
        q.put("family", family);
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

    /** Every family by its title. */
    public List<Choice> families() {
        return Families.all().stream().map(f -> new Choice(f, Families.title(f))).toList();
    }

    /** The known types grouped by family; a family without types yet has no group. */
    public List<TypeGroup> typeGroups() {
        List<TypeGroup> groups = new ArrayList<>();
        for (String f : Families.all()) {
            List<Choice> types = Families.types(f).stream().map(t -> new Choice(t, Families.typeLabel(t))).toList();
            if (!types.isEmpty()) {
                groups.add(new TypeGroup(f, Families.title(f), types, family == null || family.equals(f)));
            }
        }
        return groups;
    }

    /** A type asked for that no group holds (one the portal does not know yet), so that the select still shows it. */
    public Choice otherType() {
        return type == null || Families.familyOf(type) != null ? null : new Choice(type, Families.typeLabel(type));
    }

    public List<String> severities() {
        return SEVERITIES;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
