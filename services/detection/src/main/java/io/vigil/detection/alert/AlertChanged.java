package io.vigil.detection.alert;

import io.vigil.detection.model.Severity;

/**
 * A change people are told about (notifications): an alert opened, its severity rose, it reopened, or someone resolved
 * it. The detection cycle's writer computes the first three while merging a cycle's findings, and triage the last when
 * a user resolves an alert; each queues its notifications in the transaction that commits the change.
 *
 * @param change           what happened
 * @param previousSeverity the severity before (null when opened)
 * @param mspId            the customer's MSP (null for a tenant without a customer profile)
 * @param alert            the alert after the change, without its evidence lists
 */
public record AlertChanged(Change change, Severity previousSeverity, String mspId, AlertSummary alert) {

    /**
     * The changes worth a notification; a merge that neither opens, reopens nor raises the severity is none. RESOLVED
     * is never the outcome of a merge (the engine does not resolve alerts): it comes from triage.
     */
    public enum Change { OPENED, ESCALATED, REOPENED, RESOLVED }

    /** The change a cycle made to one alert, or null for none. */
    public static Change of(boolean created, boolean reopened, Severity before, Severity after) {
        if (created) {
            return Change.OPENED;
        }
        if (reopened) {
            return Change.REOPENED;
        }
        return before != null && after.compareTo(before) > 0 ? Change.ESCALATED : null;
    }

    public static AlertChanged of(Alert a, Change change, Severity previousSeverity) {
        return new AlertChanged(change, previousSeverity, a.mspId, AlertSummary.of(a));
    }
}
