package io.vigil.detection.support;

import io.vigil.detection.alert.Alert;
import io.vigil.detection.family.Family;
import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.family.reconnaissance.ScanEvidence;
import io.vigil.detection.model.Finding;

/** A scan finding's own evidence, for the ITs that print and check it; a finding as its family merges it into an alert. */
public final class Findings {

    private Findings() {
    }

    public static ScanEvidence scan(Finding f) {
        return (ScanEvidence) f.evidence();
    }

    public static DecidedBy decidedBy(Finding f) {
        return scan(f).decidedBy();
    }

    /** A fresh alert of the finding's key and lists, with the family's own merge of it (no database). */
    public static Alert merged(Family family, Finding f) {
        Alert a = new Alert();
        a.type = f.type();
        a.source = f.source();
        a.targets = f.targets().toArray(String[]::new);
        a.targetCount = f.targets().size();
        a.ports = f.services().toArray(String[]::new);
        a.evidence = "{}";
        family.merge(a, f);
        return a;
    }
}
