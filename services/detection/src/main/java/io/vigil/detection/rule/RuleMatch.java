package io.vigil.detection.rule;

import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;

import java.util.List;
import java.util.Optional;

/**
 * Which rule, if any, drops a finding: an allow-list entry for its source first, then a matching suppression. A
 * distributed scan's "source" is its key, so a rule's CIDR must hold every one of its member sources.
 */
public final class RuleMatch {

    private RuleMatch() {
    }

    public static Optional<Rule> first(List<Rule> rules, Finding f) {
        Optional<Rule> allow = rules.stream().filter(r -> r.kind == Rule.Kind.ALLOW && inSource(r, f)).findFirst();
        return allow.isPresent() ? allow : rules.stream().filter(r -> r.kind == Rule.Kind.SUPPRESS && suppresses(r, f)).findFirst();
    }

    /** Source in the CIDR, the same type (or any), and every probed port the rule's (or any). */
    static boolean suppresses(Rule r, Finding f) {
        if (!inSource(r, f) || (r.type != null && r.type != f.type())) {
            return false;
        }
        return r.port == null || f.services().stream().allMatch(s -> s.startsWith(r.port + "/"));
    }

    /** A rule broader than the floor (a /0 written before the limits, say) is never honoured: it would blind detection. */
    static boolean inSource(Rule r, Finding f) {
        Breadth breadth = Breadth.of(r.sourceCidr);
        if (breadth == null || breadth.beyondFloor()) {
            return false;
        }
        try {
            Networks cidr = Networks.of(List.of(r.sourceCidr));
            return !f.sources().isEmpty() && f.sources().stream().allMatch(cidr::contains);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
