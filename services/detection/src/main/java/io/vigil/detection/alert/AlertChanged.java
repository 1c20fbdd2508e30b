package io.vigil.detection.alert;

import io.vigil.detection.alert.rest.AlertView;
import io.vigil.detection.scan.Scoring;

/**
 * A change people are told about (notifications): an alert opened, its severity rose, or it reopened. The detection
 * cycle fires it synchronously on its worker thread after its transaction committed, with an immutable snapshot;
 * an observer's failure is logged and never undoes the commit.
 *
 * @param change           what happened
 * @param previousSeverity the severity before (null when opened)
 * @param mspId            the customer's MSP (null for a tenant without a customer profile)
 * @param alert            the alert after the change, without its evidence lists
 */
public record AlertChanged(Change change, Scoring.Severity previousSeverity, String mspId, AlertView alert) {

    /** The changes worth a notification; a merge that neither opens, reopens nor raises the severity is none. */
    public enum Change { OPENED, ESCALATED, REOPENED }

    /** The change a merge made, or null for none. */
    public static Change of(boolean created, boolean reopened, Scoring.Severity before, Scoring.Severity after) {
        if (created) {
            return Change.OPENED;
        }
        if (reopened) {
            return Change.REOPENED;
        }
        return before != null && after.compareTo(before) > 0 ? Change.ESCALATED : null;
    }

    public static AlertChanged of(Alert a, Change change, Scoring.Severity previousSeverity) {
        return new AlertChanged(change, previousSeverity, a.mspId, AlertView.summary(a));
    }
}
