package io.vigil.detection.cycle;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.detection.clickhouse.FlowSql;
import io.vigil.detection.support.Synthetic;
import io.vigil.lib.clickhouse.ClickHouseQueries;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ingest's per-hour roll-up of failed targets ({@code failed_targets_1h}, fed by a view on flows) counts exactly the
 * targets detection's own reading of the per-minute roll-up calls failed ({@link FlowSql#ROLLUP_FAILED}): the slow path
 * picks its sources from the first and judges them on the second, so the two must never drift apart.
 */
@QuarkusTest
class FailedTargetsIT {

    @Inject
    ClickHouseQueries clickhouse;

    @Test
    void theHourlyFailedTargetsAgreeWithTheMinuteRollUpsReading() throws Exception {
        String t = "it-" + UUID.randomUUID().toString().substring(0, 8);
        long s = Instant.now().minusSeconds(600).toEpochMilli();
        String src = "'10.1.0.5'";
        // One source, every kind of outcome: SYNs unanswered, refused and answered; sessions; echoes with and without
        // a reply; UDP with and without one; a TCP attempt answered by an ICMP error; and the same target twice.
        Synthetic.flows(t, 6).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.1.', toString(number))")
                .set("resp_port", 22).unanswered().insert();
        Synthetic.flows(t, 3).set("s", s + " + number").set("orig", src).set("resp", "'10.1.2.1'").set("resp_port", "100 + number")
                .unanswered().set("conn_state", "'REJ'").set("history", "'Sr'").insert();
        Synthetic.flows(t, 4).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.3.', toString(number))")
                .set("resp_port", 443).session(500, 9000).insert();
        Synthetic.flows(t, 5).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.4.', toString(number))")
                .echo(false).insert();
        Synthetic.flows(t, 2).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.5.', toString(number))")
                .echo(true).insert();
        Synthetic.flows(t, 3).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.6.', toString(number))")
                .set("resp_port", 161).udpExchange().set("resp_packets", 0).set("resp_bytes", 0).set("conn_state", "'S0'").insert();
        Synthetic.flows(t, 2).set("s", s + " + number").set("orig", src).set("resp", "concat('10.1.7.', toString(number))")
                .set("resp_port", 53).udpExchange().insert();
        Synthetic.flows(t, 2).set("s", s + " + number").set("orig", src).set("resp", "'10.1.8.1'").set("resp_port", "8000 + number")
                .set("conn_state", "'OTH'").set("icmp_reply", 771).insert();
        Synthetic.flows(t, 1).set("s", s).set("orig", src).set("resp", "'10.1.1.0'").set("resp_port", 22).unanswered().insert();

        String tenant = "tenant_id = '" + t + "'";
        Map<String, Long> fromHourly = counts("SELECT IPv6NumToString(orig_addr) AS src, toInt64(uniqMerge(targets)) AS n"
                + " FROM vigil.failed_targets_1h WHERE " + tenant + " GROUP BY src");
        Map<String, Long> fromMinutes = counts("SELECT IPv6NumToString(orig_addr) AS src,"
                + " toInt64(uniqExactIf(resp_addr, resp_port, protocol, " + FlowSql.ROLLUP_FAILED + ")) AS n"
                + " FROM vigil.flows_1m WHERE " + tenant + " GROUP BY src");
        assertEquals(Map.of("::ffff:10.1.0.5", 6L + 3 + 5 + 3 + 2), fromMinutes, "the failures this test made");
        assertEquals(fromMinutes, fromHourly);
    }

    private Map<String, Long> counts(String sql) {
        Map<String, Long> out = new TreeMap<>();
        clickhouse.select(sql, r -> out.put(r.getString("src"), r.getLong("n")));
        return out;
    }
}
