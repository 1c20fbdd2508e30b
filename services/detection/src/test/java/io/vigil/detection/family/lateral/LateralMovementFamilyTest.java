package io.vigil.detection.family.lateral;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.BaselineConfig;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.model.AdminEdge;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Severity;
import io.vigil.detection.support.Findings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LateralMovementFamilyTest {

    static final Networks LAN = Networks.of(List.of("10.1.0.0/16"));
    static final Instant END = Instant.parse("2026-12-07T12:00:00Z");
    static final long NOW = END.minusSeconds(30).toEpochMilli();
    static final Instant LEARNED = END.minus(Duration.ofDays(20));

    final LateralMovementFamily family = family(Map.of());

    static LateralMovementFamily family(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        overrides.forEach((k, v) -> props.put("vigil.detection.lateral-movement." + k, v));
        var config = new SmallRyeConfigBuilder().withMapping(LateralMovementConfig.class).withMapping(BaselineConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500)).build();
        return new LateralMovementFamily(config.getConfigMapping(LateralMovementConfig.class), config.getConfigMapping(BaselineConfig.class));
    }

    /** A login: the service spoke. */
    static Session login(String source, String host, int port) {
        return new Session(source, host, port, 1, 1, 3_000, 40, NOW, NOW + 5_000);
    }

    static AdminEdge known(String source, String target, String service, Instant first) {
        return new AdminEdge(source, target, service, first, first.plusSeconds(60));
    }

    static TenantWindow window(List<Session> sessions) {
        return new TenantWindow("t", LAN, List.of(), sessions, List.of(), END);
    }

    /** What detect finds when the store answers {@code edges} and the brute-force window holds {@code history}. */
    List<Finding> detect(List<Session> sessions, Instant learningSince, List<AdminEdge> edges, List<Session> history) {
        TenantWindow w = window(sessions);
        Map<FeatureRequest<?>, Object> reads = new HashMap<>();
        for (FeatureRequest<?> r : family.requests(w)) {
            if (r instanceof FeatureRequest.KnownEdges) {
                reads.put(r, new FeatureRequest.KnownEdges.Answer(learningSince, edges));
            } else {
                reads.put(r, history);
            }
        }
        return family.detect(new TenantFeatures(w, reads));
    }

    @Test
    void aLoginOnAnEdgeNeverSeenAfterLearningIsANewAdminEdge() {
        List<Finding> found = detect(List.of(login("10.1.0.21", "10.1.0.10", 22)), LEARNED,
                List.of(known("10.1.0.21", "10.1.0.11", "445/tcp", LEARNED)), List.of());
        assertEquals(1, found.size(), found.toString());
        Finding f = found.get(0);
        assertEquals(AlertType.NEW_ADMIN_EDGE, f.type());
        assertEquals(List.of("10.1.0.10"), f.targets());
        assertEquals(List.of("22/tcp"), f.services());
        Alert a = Findings.merged(family, f);
        assertEquals("10.1.0.21 logged in to 10.1.0.10 over SSH (22/tcp) for the first time", a.summary);
        assertEquals(List.of("T1021.004"), List.of(a.mitre));
        assertEquals(Severity.MEDIUM, Severity.of(a.score));
    }

    @Test
    void nothingIsNewWhileTheCustomerIsStillLearning() {
        Session s = login("10.1.0.21", "10.1.0.10", 22);
        assertEquals(List.of(), detect(List.of(s), END.minus(Duration.ofDays(3)), List.of(), List.of()));
        assertEquals(List.of(), detect(List.of(s), null, List.of(), List.of()), "no learning start known: learning");
    }

    @Test
    void anEdgeSeenBeforeIsNotNewOnTheSameServiceButIsOnAnother() {
        List<AdminEdge> store = List.of(known("10.1.0.21", "10.1.0.10", "22/tcp", LEARNED));
        assertEquals(List.of(), detect(List.of(login("10.1.0.21", "10.1.0.10", 22)), LEARNED, store, List.of()));
        List<Finding> rdp = detect(List.of(login("10.1.0.21", "10.1.0.10", 3389)), LEARNED, store, List.of());
        assertEquals(List.of("3389/tcp"), rdp.get(0).services());
    }

    @Test
    void aHandshakeWithoutTheServiceSpeakingIsAProbeNotALogin() {
        Session probe = new Session("10.1.0.21", "10.1.0.10", 22, 1, 0, 120, 3, NOW, NOW + 10);
        assertEquals(List.of(), detect(List.of(probe), LEARNED, List.of(), List.of()));
        assertTrue(family.learned(new TenantFeatures(window(List.of(probe)), Map.of())).isEmpty());
    }

    @Test
    void onlyInternalToInternalLoginsAreEdgesAndOnlyAdminServices() {
        List<Session> sessions = List.of(login("203.0.113.9", "10.1.0.10", 22), login("10.1.0.21", "198.51.100.4", 22),
                login("10.1.0.21", "10.1.0.10", 8080));
        assertEquals(List.of(), detect(sessions, LEARNED, List.of(), List.of()));
        assertEquals(List.of(), family.learned(new TenantFeatures(window(sessions), Map.of())));
    }

    @Test
    void aHostThatRoutinelyAdministersIsQuietOnItsNewEdges() {
        List<AdminEdge> rounds = new ArrayList<>();
        for (int i = 100; i < 106; i++) {
            rounds.add(known("10.1.0.5", "10.1.0." + i, "22/tcp", END.minus(Duration.ofDays(10))));
        }
        assertEquals(List.of(), detect(List.of(login("10.1.0.5", "10.1.0.50", 22)), LEARNED, rounds, List.of()),
                "a jump host reaching one more server");
        List<AdminEdge> recent = rounds.stream().map(e -> known(e.source(), e.target(), e.service(), END.minus(Duration.ofDays(1)))).toList();
        assertEquals(1, detect(List.of(login("10.1.0.5", "10.1.0.50", 22)), LEARNED, recent, List.of()).size(),
                "five hosts reached only since yesterday are no routine yet");
    }

    @Test
    void fanOutToManyNewHostsRaisesSeverity() {
        List<Session> sessions = new ArrayList<>();
        for (int i = 100; i < 110; i++) {
            sessions.add(login("10.1.0.21", "10.1.0." + i, 3389));
        }
        Finding f = detect(sessions, LEARNED, List.of(), List.of()).get(0);
        assertEquals(10, ((NewEdgeEvidence) f.evidence()).fanOut());
        Alert a = Findings.merged(family, f);
        assertEquals(Severity.CRITICAL, Severity.of(a.score));
        assertEquals(List.of("T1021.001"), List.of(a.mitre));
        assertTrue(a.summary.startsWith("10.1.0.21 logged in to 10 hosts it never reached before over RDP (3389/tcp)"), a.summary);
    }

    @Test
    void theStoreLearnsEveryInternalAdminLoginOncePerEdge() {
        Session a = login("10.1.0.21", "10.1.0.10", 445);
        Session b = new Session("10.1.0.21", "10.1.0.10", 445, 2, 2, 9_000, 80, NOW + 60_000, NOW + 90_000);
        List<AdminEdge> learned = family.learned(new TenantFeatures(window(List.of(a, b)), Map.of()));
        assertEquals(List.of(new AdminEdge("10.1.0.21", "10.1.0.10", "445/tcp", Instant.ofEpochMilli(NOW), Instant.ofEpochMilli(NOW + 90_000))),
                learned);
    }

    /** {@code n} guesses a minute for {@code minutes} minutes, {@code bytes} sent each. */
    static List<Session> guesses(String source, String host, int port, int perMinute, int minutes, long bytes) {
        List<Session> rows = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            long at = NOW - (minutes - m) * 60_000L;
            rows.add(new Session(source, host, port, perMinute, perMinute, bytes * perMinute, 25L * perMinute, at, at + 59_999));
        }
        return rows;
    }

    @Test
    void manySmallAlikeConnectionsToOneServiceOfOneHostAreBruteForce() {
        List<Finding> found = detect(List.of(login("10.1.0.66", "10.1.0.10", 22)), LEARNED,
                List.of(known("10.1.0.66", "10.1.0.10", "22/tcp", LEARNED)), guesses("10.1.0.66", "10.1.0.10", 22, 12, 5, 3_200));
        assertEquals(1, found.size(), found.toString());
        Finding f = found.get(0);
        assertEquals(AlertType.AUTH_BRUTE_FORCE, f.type());
        Alert a = Findings.merged(family, f);
        assertEquals(60, a.attempts);
        assertEquals(Severity.HIGH, Severity.of(a.score));
        assertEquals(List.of("T1021.004", "T1110"), List.of(a.mitre));
        assertEquals("10.1.0.66 made 60 short, similar connections to SSH (22/tcp) of 10.1.0.10 (about 3.2 KB each):"
                + " password guessing from inside", a.summary);
    }

    @Test
    void guessingFromTheInternetIsTheExternalTypeAndScoresLower() {
        Finding f = detect(List.of(login("203.0.113.9", "10.1.0.10", 22)), LEARNED, List.of(),
                guesses("203.0.113.9", "10.1.0.10", 22, 12, 5, 3_200)).get(0);
        assertEquals(AlertType.EXTERNAL_BRUTE_FORCE, f.type());
        assertEquals(Severity.LOW, Severity.of(Findings.merged(family, f).score));
    }

    @Test
    void fewConnectionsLargeSessionsOrUnlikeConnectionsAreNoBruteForce() {
        Session now = login("10.1.0.66", "10.1.0.10", 22);
        List<AdminEdge> edge = List.of(known("10.1.0.66", "10.1.0.10", "22/tcp", LEARNED));
        assertEquals(List.of(), detect(List.of(now), LEARNED, edge, guesses("10.1.0.66", "10.1.0.10", 22, 1, 10, 3_200)),
                "monitoring that logs in once a minute");
        assertEquals(List.of(), detect(List.of(now), LEARNED, edge, guesses("10.1.0.66", "10.1.0.10", 22, 12, 5, 200_000)),
                "an automation run copying files: large sessions");
        assertEquals(List.of(), detect(List.of(now), LEARNED, edge, guesses("10.1.0.66", "10.1.0.10", 22, 20, 4, 768)),
                "a chatty client that never exchanges keys: too small for a guess");
        List<Session> unlike = new ArrayList<>(guesses("10.1.0.66", "10.1.0.10", 22, 10, 1, 2_000));
        unlike.addAll(guesses("10.1.0.66", "10.1.0.10", 22, 10, 1, 12_000).stream()
                .map(s -> new Session(s.source(), s.host(), s.port(), s.flows(), s.withData(), s.origBytes(), s.packets(),
                        s.firstMs() + 60_000, s.lastMs() + 60_000)).toList());
        assertTrue(BruteForce.spread(unlike) > 0.5);
        assertEquals(List.of(), detect(List.of(now), LEARNED, edge, unlike), "an admin's varied sessions");
    }

    @Test
    void aBruteForceAlertKeepsTheLargestWindowCountAcrossCycles() {
        List<AdminEdge> edge = List.of(known("10.1.0.66", "10.1.0.10", "22/tcp", LEARNED));
        Finding first = detect(List.of(login("10.1.0.66", "10.1.0.10", 22)), LEARNED, edge,
                guesses("10.1.0.66", "10.1.0.10", 22, 12, 5, 3_200)).get(0);
        Finding later = detect(List.of(login("10.1.0.66", "10.1.0.10", 22)), LEARNED, edge,
                guesses("10.1.0.66", "10.1.0.10", 22, 12, 6, 3_200)).get(0);
        Alert a = Findings.merged(family, first);
        family.merge(a, later);
        family.merge(a, first);
        assertEquals(72, a.attempts, "the windows overlap: their counts do not add up");
    }

    @Test
    void configuredAdminPortsReplaceTheDefaults() {
        LateralMovementFamily custom = family(Map.of("admin-ports", "2222"));
        assertEquals(java.util.Set.of(2222), custom.sessionPorts());
        assertEquals("port 2222 (2222/tcp)", AdminServices.label(2222));
    }

    /** Two guesses at each of {@code hosts} hosts 10.1.0.100…, within one minute, 2.1 KB sent each. */
    static List<Session> spray(String source, int hosts) {
        List<Session> rows = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            rows.add(new Session(source, "10.1.0." + (100 + i), 22, 2, 2, 4_200, 50, NOW - 60_000, NOW - 1));
        }
        return rows;
    }

    @Test
    void aFewGuessesAtEachOfManyNewHostsAfterLearningAreSpraying() {
        List<Session> sprayed = spray("10.1.0.66", 6);
        List<Finding> found = detect(sprayed, LEARNED, List.of(), sprayed);
        assertEquals(List.of(AlertType.AUTH_BRUTE_FORCE), found.stream().map(Finding::type).toList(),
                "no host alone had 10 connections, the six together did; the guesses are no new admin edges");
        Alert a = Findings.merged(family, found.get(0));
        assertEquals(6, a.targetCount);
        assertEquals(List.of("T1021.004", "T1110.003"), List.of(a.mitre));
        assertEquals("10.1.0.66 made 12 short, similar connections to SSH (22/tcp) of 6 hosts (about 2.1 KB each):"
                + " password guessing from inside", a.summary);
    }

    @Test
    void sprayingNeedsFiveHostsNewToTheSourceAndALearnedCustomer() {
        List<Session> four = spray("10.1.0.66", 4).stream().map(s -> new Session(s.source(), s.host(), s.port(), 3, 3, 6_300, 75,
                s.firstMs(), s.lastMs())).toList();
        assertTrue(detect(four, LEARNED, List.of(), four).stream().noneMatch(f -> f.type() == AlertType.AUTH_BRUTE_FORCE),
                "12 connections but four hosts");
        List<Session> sprayed = spray("10.1.0.5", 6);
        List<AdminEdge> rounds = sprayed.stream().map(s -> known(s.source(), s.host(), "22/tcp", END.minus(Duration.ofDays(9)))).toList();
        assertEquals(List.of(), detect(sprayed, LEARNED, rounds, sprayed), "a jump host's daily rounds to hosts it knows");
        assertEquals(List.of(), detect(sprayed, END.minus(Duration.ofDays(2)), List.of(), sprayed), "still learning");
        List<Session> fromOutside = spray("203.0.113.9", 6);
        assertEquals(List.of(AlertType.EXTERNAL_BRUTE_FORCE), detect(fromOutside, null, List.of(), fromOutside).stream()
                .map(Finding::type).toList(), "from the internet no edge store speaks: the hosts count");
    }

    @Test
    void theStoreDoesNotLearnTheHostsASourceGuessedAt() {
        List<Session> sessions = new ArrayList<>(spray("10.1.0.66", 6));
        sessions.add(login("10.1.0.66", "10.1.0.10", 445));
        TenantWindow w = window(sessions);
        Map<FeatureRequest<?>, Object> reads = new HashMap<>();
        for (FeatureRequest<?> r : family.requests(w)) {
            reads.put(r, r instanceof FeatureRequest.KnownEdges ? new FeatureRequest.KnownEdges.Answer(LEARNED, List.of())
                    : spray("10.1.0.66", 6));
        }
        sessions.add(login("10.1.0.66", "10.1.0.100", 445));
        w = window(sessions);
        reads = new HashMap<>();
        for (FeatureRequest<?> r : family.requests(w)) {
            reads.put(r, r instanceof FeatureRequest.KnownEdges ? new FeatureRequest.KnownEdges.Answer(LEARNED, List.of())
                    : spray("10.1.0.66", 6));
        }
        assertEquals(List.of("10.1.0.10 445/tcp", "10.1.0.100 445/tcp"), family.learned(new TenantFeatures(w, reads)).stream()
                .map(e -> e.target() + " " + e.service()).toList(),
                "a guess that works must still be a new edge when it logs in; SMB to a host guessed at over SSH is a login");
    }
}
