package io.vigil.detection.rule;

import io.vigil.detection.model.Finding;
import io.vigil.detection.model.AlertType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleMatchTest {

    private static Finding finding(String source, AlertType type, String... services) {
        return new Finding(type, source, List.of(source), List.of("10.1.2.1"), List.of(services), 0, 1, null);
    }

    private static Rule rule(Rule.Kind kind, String cidr, Integer port, AlertType type) {
        Rule r = new Rule();
        r.id = "rl-" + kind + cidr + port + type;
        r.kind = kind;
        r.sourceCidr = cidr;
        r.port = port;
        r.type = type;
        return r;
    }

    @Test
    void suppressionNeedsSourceTypeAndEveryPortToMatch() {
        Rule r = rule(Rule.Kind.SUPPRESS, "10.1.0.0/24", 22, AlertType.HORIZONTAL);
        assertEquals(r, RuleMatch.first(List.of(r), finding("10.1.0.66", AlertType.HORIZONTAL, "22/tcp")).orElseThrow());
        assertTrue(RuleMatch.first(List.of(r), finding("10.1.1.66", AlertType.HORIZONTAL, "22/tcp")).isEmpty(), "other source");
        assertTrue(RuleMatch.first(List.of(r), finding("10.1.0.66", AlertType.VERTICAL, "22/tcp")).isEmpty(), "other type");
        assertTrue(RuleMatch.first(List.of(r), finding("10.1.0.66", AlertType.HORIZONTAL, "22/tcp", "23/tcp")).isEmpty(),
                "a probe on another port is not covered");
        assertTrue(RuleMatch.first(List.of(r), finding("10.1.0.66", AlertType.HORIZONTAL, "222/tcp")).isEmpty(), "222 is not 22");
    }

    @Test
    void allowListCoversEveryFindingOfItsSourceAndWinsOverSuppressions() {
        Rule suppress = rule(Rule.Kind.SUPPRESS, "10.1.0.88", null, null);
        Rule allow = rule(Rule.Kind.ALLOW, "10.1.0.88/32", null, null);
        assertEquals(allow, RuleMatch.first(List.of(suppress, allow), finding("10.1.0.88", AlertType.UDP, "161/udp")).orElseThrow());
        Rule v6 = rule(Rule.Kind.ALLOW, "fd00:a1::/48", null, null);
        assertEquals(v6, RuleMatch.first(List.of(v6), finding("fd00:a1::7", AlertType.VERTICAL, "1/tcp")).orElseThrow());
    }

    @Test
    void aDistributedScanIsAllowListedOnlyWhenEveryMemberIs() {
        Finding d = new Finding(AlertType.DISTRIBUTED, "23/tcp 10.1.2.0/24", List.of("198.51.100.7", "198.51.100.8", "198.51.101.9"),
                List.of("10.1.2.1"), List.of("23/tcp"), 0, 1, null);
        Rule part = rule(Rule.Kind.ALLOW, "198.51.100.0/24", null, null);
        Rule all = rule(Rule.Kind.ALLOW, "198.51.0.0/16", null, null);
        assertTrue(RuleMatch.first(List.of(part), d).isEmpty(), "one member is outside the CIDR");
        assertEquals(all, RuleMatch.first(List.of(part, all), d).orElseThrow());
        Rule byPort = rule(Rule.Kind.SUPPRESS, "198.51.0.0/16", 23, AlertType.DISTRIBUTED);
        assertEquals(byPort, RuleMatch.first(List.of(byPort), d).orElseThrow());
    }

    /** However such a rule got into the table, one broader than /8 (IPv6 /32) drops nothing. */
    @Test
    void aRuleBroaderThanAnyMayBeNeverMatches() {
        for (String cidr : List.of("0.0.0.0/0", "0.0.0.0/1", "10.0.0.0/7", "::/0", "2000::/3", "2001:db8::/31")) {
            Rule r = rule(Rule.Kind.ALLOW, cidr, null, null);
            String source = cidr.contains(":") ? "2001:db8::7" : "10.1.0.7";
            assertTrue(RuleMatch.first(List.of(r), finding(source, AlertType.VERTICAL, "22/tcp")).isEmpty(), cidr);
        }
        Rule slash8 = rule(Rule.Kind.ALLOW, "10.0.0.0/8", null, null);
        assertEquals(slash8, RuleMatch.first(List.of(slash8), finding("10.1.0.7", AlertType.VERTICAL, "22/tcp")).orElseThrow());
    }
}
