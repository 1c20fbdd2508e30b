package io.vigil.detection.support;

import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.family.reconnaissance.ScanEvidence;
import io.vigil.detection.model.Finding;

/** A scan finding's own evidence, for the ITs that print and check it. */
public final class Findings {

    private Findings() {
    }

    public static ScanEvidence scan(Finding f) {
        return (ScanEvidence) f.evidence();
    }

    public static DecidedBy decidedBy(Finding f) {
        return scan(f).decidedBy();
    }
}
