package io.vigil.detection.cycle;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.detection.clickhouse.FlowSql;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Transfer;
import io.vigil.detection.support.Synthetic;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ingest's roll-up keyed by source ({@code source_flows_1m}, fed by a view on flows) holds the same flows, bytes and
 * packets per (source, destination, service, minute) as {@code flows_1m}, and counts a flow's responder data by
 * {@link FlowSql#ROLLUP_RESPONDER_DATA}, one flow at a time: the session and transfer histories read it instead of
 * flows_1m, so the two must never drift apart.
 */
@QuarkusTest
class SourceFlowsIT {

    @Inject
    ClickHouseQueries clickhouse;

    @Inject
    FlowFeatures features;

    private final String t = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final long minute = Instant.now().minusSeconds(600).getEpochSecond() / 60 * 60;

    @Test
    void holdsWhatTheMinuteRollUpHoldsPerSourceDestinationServiceAndMinute() throws Exception {
        flows();
        String per = " GROUP BY k ORDER BY k";
        String key = "concat(IPv6NumToString(orig_addr), '>', IPv6NumToString(resp_addr), ':', toString(resp_port), '/',"
                + " toString(protocol), '@', toString(minute)) AS k, ";
        Map<String, String> bySource = rows("SELECT " + key + "concat(toString(sum(flows)), ' ', toString(sum(bytes_out)), ' ',"
                + " toString(sum(bytes_in)), ' ', toString(sum(packets))) AS v FROM vigil.source_flows_1m WHERE tenant_id = '" + t + "'" + per);
        Map<String, String> byMinute = rows("SELECT " + key + "concat(toString(sum(flows)), ' ', toString(sum(orig_bytes)), ' ',"
                + " toString(sum(resp_bytes)), ' ', toString(sum(orig_packets + resp_packets))) AS v FROM vigil.flows_1m"
                + " WHERE tenant_id = '" + t + "'" + per);
        assertEquals(6, byMinute.size(), "the rows this test made: " + byMinute);
        assertEquals(byMinute, bySource);
    }

    @Test
    void countsTheFlowsWithResponderDataOneFlowAtATime() throws Exception {
        flows();
        String per = " GROUP BY k ORDER BY k";
        String key = "concat(IPv6NumToString(resp_addr), ':', toString(resp_port), '@', toString(toStartOfMinute(start))) AS k, ";
        Map<String, String> fromFlows = rows("SELECT " + key + "toString(countIf(" + FlowSql.ROLLUP_RESPONDER_DATA + ")) AS v"
                + " FROM vigil.flows WHERE tenant_id = '" + t + "'" + per);
        Map<String, String> fromRollUp = rows("SELECT concat(IPv6NumToString(resp_addr), ':', toString(resp_port), '@',"
                + " toString(minute)) AS k, toString(sum(data_flows)) AS v FROM vigil.source_flows_1m WHERE tenant_id = '" + t + "'" + per);
        assertEquals(fromFlows, fromRollUp);
    }

    @Test
    void aGuessersFailedHandshakesBesideOneLoginAreNotLoginsInItsSessionHistory() throws Exception {
        flows();
        List<Session> sessions = features.sessionHistory(Map.of(t, Set.of("10.1.0.5")), Set.of(22, 445), Duration.ofMinutes(30),
                Instant.ofEpochSecond(minute + 300), Duration.ZERO).get(t);
        // To 10.1.1.9:22 in the first minute: one login with data and three handshakes closed with nothing said. Summed,
        // the three (180 bytes back over 3 packets) would pass the bytes rule and count as logins.
        Session ssh = sessions.stream().filter(s -> s.host().equals("10.1.1.9") && s.firstMs() == minute * 1000).findFirst().orElseThrow();
        assertEquals(4, ssh.flows());
        assertEquals(1, ssh.withData());
        assertEquals(Set.of("10.1.1.9:22", "10.1.1.7:445"), Set.copyOf(sessions.stream().map(s -> s.host() + ":" + s.port()).toList()),
                "only the asked source's sessions with the asked services");
    }

    @Test
    void readsTheTransfersWithTheirMinutesOfTheAskedSourcesThatSentEnough() throws Exception {
        flows();
        List<Transfer> transfers = features.transferHistory(Map.of(t, Set.of("10.1.0.6", "10.1.0.5")), Duration.ofHours(1),
                Duration.ofMinutes(30), 15_000_000, Instant.ofEpochSecond(minute + 300), Duration.ZERO).get(t);
        assertEquals(1, transfers.size(), "the one destination of the asked source that sent 15 MB; not 10.1.0.5's: " + transfers);
        Transfer upload = transfers.get(0);
        assertEquals("198.51.100.20", upload.host());
        assertEquals(3 * 5_000_000L, upload.bytesOut());
        assertEquals(Map.of(minute * 1000, 2 * 5_000_000L, (minute + 120) * 1000, 5_000_000L), upload.outByMinute());
    }

    /**
     * 10.1.0.5: an SMB login to 10.1.1.7, a web session, and to 10.1.1.9's SSH one login with data and three closed
     * handshakes in one minute, a login the minute after; 10.1.0.6: 5 MB up to 198.51.100.20 twice in one minute and
     * once two minutes later.
     */
    private void flows() throws Exception {
        long s = minute * 1000;
        Synthetic.flows(t, 1).set("s", s + 1000).set("orig", "'10.1.0.5'").set("resp", "'10.1.1.7'").set("resp_port", 445)
                .session(3000, 4000).insert();
        Synthetic.flows(t, 1).set("s", s + 2000).set("orig", "'10.1.0.5'").set("resp", "'10.1.1.8'").set("resp_port", 443)
                .session(3000, 40000).insert();
        Synthetic.flows(t, 1).set("s", s + 3000).set("orig", "'10.1.0.5'").set("resp", "'10.1.1.9'").set("resp_port", 22)
                .session(2000, 9000).insert();
        Synthetic.flows(t, 3).set("s", s + 4000 + " + number").set("orig", "'10.1.0.5'").set("resp", "'10.1.1.9'").set("resp_port", 22)
                .session(200, 60).set("resp_packets", 1).set("conn_state", "'RSTR'").set("history", "'ShAr'").insert();
        Synthetic.flows(t, 1).set("s", s + 61_000).set("orig", "'10.1.0.5'").set("resp", "'10.1.1.9'").set("resp_port", 22)
                .session(2000, 9000).insert();
        Synthetic.flows(t, 2).set("s", s + 5000 + " + number").set("orig", "'10.1.0.6'").set("resp", "'198.51.100.20'")
                .set("resp_port", 443).session(5_000_000, 90_000).insert();
        Synthetic.flows(t, 1).set("s", s + 125_000).set("orig", "'10.1.0.6'").set("resp", "'198.51.100.20'")
                .set("resp_port", 443).session(5_000_000, 90_000).insert();
    }

    private Map<String, String> rows(String sql) {
        Map<String, String> out = new TreeMap<>();
        clickhouse.select(sql, r -> out.put(r.getString("k"), r.getString("v")));
        return out;
    }
}
