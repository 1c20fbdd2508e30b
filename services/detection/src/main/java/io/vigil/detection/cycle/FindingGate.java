package io.vigil.detection.cycle;

import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.rule.RuleMatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The step every family's findings pass before they become alerts, in this order: the source's baseline (a MATURE host
 * doing what it always does is dropped), then the allow-lists, then the suppressions. Pure: the cycle reads the
 * baselines, the observed figures and the rules for a whole chunk first (DESIGN.md, "How baselines combine with TRW").
 */
public final class FindingGate {

    /** Why a finding raised nothing. */
    public enum DropReason { BASELINE, ALLOW_LIST, SUPPRESSION }

    /**
     * What the gate decided.
     *
     * @param verdict the baseline comparison: the alert's evidence whether or not the finding was dropped
     * @param dropped null when the finding goes on to its alert
     * @param rule    the allow-list entry or suppression that dropped it, else null
     */
    public record Decision(Finding finding, Gate.Verdict verdict, DropReason dropped, Rule rule) {

        public boolean raised() {
            return dropped == null;
        }
    }

    private final double headroom;

    /** @param headroom a MATURE host's figure is within its baseline up to p99 × this */
    public FindingGate(double headroom) {
        this.headroom = headroom;
    }

    /**
     * @param baseline the source's baseline, or null (an external source, or a host not profiled yet)
     * @param observed the source's figures over the policy's window
     * @param rules    the customer's and its MSP's unexpired rules
     */
    public Decision judge(Finding f, GatePolicy policy, Networks networks, HostBaseline baseline, HourSample observed,
                          Instant end, List<Rule> rules) {
        Gate.Verdict verdict = policy.fixed() != null ? policy.fixed()
                : Gate.judge(baseline, observed, end, hours(policy, end), headroom, networks.contains(f.source()), policy.compared());
        if (verdict.withinBaseline()) {
            return new Decision(f, verdict, DropReason.BASELINE, null);
        }
        if (!policy.alone() && verdict.state() != Gate.State.MATURE) {
            return new Decision(f, new Gate.Verdict(verdict.state(), false, verdict.comparisons(), verdict.text()
                    + "; below the absolute floor for a host without a mature baseline", verdict.window()), DropReason.BASELINE, null);
        }
        Optional<Rule> rule = RuleMatch.first(rules, f);
        return rule.map(r -> new Decision(f, verdict, r.kind == Rule.Kind.ALLOW ? DropReason.ALLOW_LIST : DropReason.SUPPRESSION, r))
                .orElseGet(() -> new Decision(f, verdict, null, null));
    }

    /** The window's length in whole hours, at least 1. */
    static int hours(GatePolicy policy, Instant end) {
        if (policy.since() == null) {
            return 1;
        }
        return (int) Math.max(1, Math.ceil(Duration.between(policy.since(), end).toMinutes() / 60.0));
    }
}
