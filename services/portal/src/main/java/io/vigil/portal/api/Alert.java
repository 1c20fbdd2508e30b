package io.vigil.portal.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * A SmartAlert as detection shows it; the evidence fields (targets, ports, sources, samples, the family's own evidence,
 * baseline) only in the detail.
 *
 * @param family      the SmartAlert family (RECONNAISSANCE, ...), kept as a code so that a family the portal does not
 *                    know yet still shows
 * @param source      the acting address, or a distributed scan's key ("23/tcp 10.78.0.0/24")
 * @param sourceCount acting addresses: 1, or a distributed scan's members
 * @param evidence    the family's own evidence (reconnaissance: {@code probes}, the probe kinds seen)
 * @param related     ids of the customer's alerts of the same source that tell one story (its scan, its logins)
 */
public record Alert(String id, String customerId, String family, String type, String source, String status, String severity,
                    int score, String direction, boolean slow, List<String> mitre, String summary, int targetCount,
                    int portCount, int sourceCount, long attempts, long failed, long answered, double failedRatio,
                    int trwFailures, Instant firstSeen, Instant lastSeen, int reopenCount, String acknowledgedBy,
                    Instant acknowledgedAt, String resolvedBy, Instant resolvedAt, List<String> targets, List<String> ports,
                    List<String> sources, JsonNode samples, JsonNode evidence, JsonNode baseline, List<String> related) {

    /** A reconnaissance alert: its activity reads as probes. */
    public boolean scan() {
        return Families.RECONNAISSANCE.equals(family);
    }

    public boolean resolved() {
        return "RESOLVED".equals(status);
    }

    public boolean open() {
        return "OPEN".equals(status);
    }

    public String familyTitle() {
        return Families.title(family);
    }

    public String typeLabel() {
        return Families.typeLabel(type);
    }

    /** "Vertical scan from 10.0.0.5" ({@link Families#headline}). */
    public String headline() {
        return Families.headline(this);
    }

    /** The headline before its source, for pages that link the source to its host page. */
    public String lead() {
        return Families.lead(this);
    }

    /** Whether the source is one address (a host page exists for it), not a key such as a distributed scan's. */
    public boolean addressSource() {
        return source != null && source.matches("[0-9A-Fa-f.:]+") && (source.contains(".") || source.contains(":"));
    }

    /** The family's own evidence in words. */
    public List<Families.Fact> evidenceFacts() {
        return Families.evidence(family, evidence);
    }
}
