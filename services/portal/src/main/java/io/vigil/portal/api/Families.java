package io.vigil.portal.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Detection's SmartAlert families, their alert types and probe kinds in the words the pages use. The codes mirror
 * detection's {@code AlertFamily}, {@code AlertType} and {@code ProbeKind}; a code this list does not know yet (a family
 * added to detection first) still reads, as its words ("COMMAND_AND_CONTROL" → "Command and control").
 */
public final class Families {

    public static final String RECONNAISSANCE = "RECONNAISSANCE";
    public static final String EXFILTRATION = "EXFILTRATION";

    /** The families in detection's order, with the titles of {@code AlertFamily.title()}. */
    private static final Map<String, String> TITLES = ordered(
            RECONNAISSANCE, "Probing and Reconnaissance",
            "COMMAND_AND_CONTROL", "Command and Control",
            "LATERAL_MOVEMENT", "Lateral Movement",
            EXFILTRATION, "Exfiltration",
            "ASSET", "Asset");

    /** Reconnaissance's types in detection's order, as an alert's headline names them. */
    private static final Map<String, String> SCANS = ordered(
            "HORIZONTAL", "Horizontal scan",
            "VERTICAL", "Vertical scan",
            "HOST_SWEEP", "Host sweep",
            "UDP", "UDP scan",
            "STEALTH", "Stealth scan",
            "DISTRIBUTED", "Distributed scan");

    /** Lateral movement's types in detection's order, as an alert's headline names them. */
    private static final Map<String, String> LATERAL = ordered(
            "NEW_ADMIN_EDGE", "New admin login",
            "AUTH_BRUTE_FORCE", "Password guessing",
            "EXTERNAL_BRUTE_FORCE", "Password guessing from the internet");

    /** Exfiltration's types in detection's order, as an alert's headline names them. */
    private static final Map<String, String> UPLOADS = ordered(
            "UNUSUAL_UPLOAD", "Unusual upload",
            "DATA_STAGING", "Data staging and upload");

    /** Each family's types; a family not listed has none yet. */
    private static final Map<String, Map<String, String>> TYPES = Map.of(RECONNAISSANCE, SCANS, "LATERAL_MOVEMENT", LATERAL,
            EXFILTRATION, UPLOADS);

    /** Short labels where the code's words would read wrong. */
    private static final Map<String, String> LABELS = Map.of("UDP", "UDP");

    /**
     * How the probe kinds of reconnaissance evidence read. An ACK probe is named for what it maps: ACKs draw RSTs from
     * open and closed ports alike, so {@code nmap -sA} finds which ports a firewall filters, not which are open.
     */
    private static final Map<String, String> PROBES = ordered(
            "SYN", "SYN",
            "ACK_PING", "ACK (firewall mapping)",
            "STEALTH", "FIN/NULL/Xmas",
            "ICMP_ECHO", "ICMP echo",
            "UDP", "UDP");

    private Families() {
    }

    /** Every family code, in detection's order. */
    public static List<String> all() {
        return List.copyOf(TITLES.keySet());
    }

    /** "Probing and Reconnaissance"; an unknown family as its words; null (no family) as "Other". */
    public static String title(String family) {
        return family == null ? "Other" : TITLES.getOrDefault(family, words(family));
    }

    /** A family's types in detection's order; all known types for no family; none for a family without types yet. */
    public static List<String> types(String family) {
        if (family == null) {
            List<String> all = new ArrayList<>();
            for (String f : TITLES.keySet()) {
                all.addAll(TYPES.getOrDefault(f, Map.of()).keySet());
            }
            return all;
        }
        return List.copyOf(TYPES.getOrDefault(family, Map.of()).keySet());
    }

    /** The family of a type, or null for a type this list does not know. */
    public static String familyOf(String type) {
        return TYPES.entrySet().stream().filter(e -> type != null && e.getValue().containsKey(type)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** A type as a filter or a count names it: "vertical", "host sweep", "UDP". */
    public static String typeLabel(String type) {
        return type == null ? "" : LABELS.getOrDefault(type, words(type).toLowerCase(Locale.ROOT));
    }

    /**
     * An alert in a few words. Reconnaissance reads as a scan by its source ("Vertical scan from 10.0.0.5"), a
     * distributed scan by its key, which is a service and a target prefix ("Distributed scan of 23/tcp across
     * 10.78.0.0/24 from 8 sources"); lateral movement and exfiltration by their actor ("Password guessing by 10.0.0.66"); the families
     * the portal has no words for yet read "Beaconing — 10.0.0.5".
     */
    public static String headline(Alert a) {
        if (RECONNAISSANCE.equals(a.family()) && "DISTRIBUTED".equals(a.type()) && a.source().indexOf(' ') > 0) {
            int space = a.source().indexOf(' ');
            return SCANS.get("DISTRIBUTED") + " of " + a.source().substring(0, space) + " across "
                    + a.source().substring(space + 1) + " from " + a.sourceCount() + " sources";
        }
        return lead(a) + a.source();
    }

    /** The headline's words before the source: "Vertical scan from ", "New admin login by ", "Beaconing — ". */
    public static String lead(Alert a) {
        String name = TYPES.getOrDefault(a.family(), Map.of()).get(a.type());
        if (name != null) {
            return name + (RECONNAISSANCE.equals(a.family()) ? " from " : " by ");
        }
        return words(a.type()) + " — ";
    }

    /** A reconnaissance probe kind in words ("ACK (firewall mapping)"). */
    public static String probe(String kind) {
        return PROBES.getOrDefault(kind, words(kind));
    }

    /** One line of a family's own evidence on the alert page. */
    public record Fact(String field, String label, String value) {
    }

    /**
     * A family's own evidence as label and value lines: reconnaissance's probe kinds in words; for a family the portal
     * does not know yet, each field as it comes (a list joined by commas). Exfiltration's {@code timeline} is no line:
     * the page draws it ({@code chart.UploadTimeline}).
     */
    public static List<Fact> evidence(String family, JsonNode evidence) {
        List<Fact> facts = new ArrayList<>();
        if (evidence == null || !evidence.isObject()) {
            return facts;
        }
        evidence.fields().forEachRemaining(e -> {
            if (EXFILTRATION.equals(family) && "timeline".equals(e.getKey())) {
                return;
            }
            boolean probes = RECONNAISSANCE.equals(family) && "probes".equals(e.getKey());
            List<String> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> values.add(probes ? probe(v.asText()) : text(v)));
            } else {
                values.add(text(e.getValue()));
            }
            if (!values.isEmpty()) {
                facts.add(new Fact(e.getKey(), probes ? "Probe kinds" : words(e.getKey()), String.join(", ", values)));
            }
        });
        return facts;
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    /** "COMMAND_AND_CONTROL" → "Command and control", "bytesOut" → "Bytes out". */
    static String words(String code) {
        if (code == null || code.isEmpty()) {
            return "";
        }
        String spaced = code.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
