package io.vigil.detection.model;

/** How urgent an alert is. It only rises while an alert accumulates evidence (an escalation), never falls. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** The band of a 0–100 score: ≥ 85 CRITICAL, ≥ 60 HIGH, ≥ 40 MEDIUM, below LOW. */
    public static Severity of(int score) {
        return score >= 85 ? CRITICAL : score >= 60 ? HIGH : score >= 40 ? MEDIUM : LOW;
    }
}
