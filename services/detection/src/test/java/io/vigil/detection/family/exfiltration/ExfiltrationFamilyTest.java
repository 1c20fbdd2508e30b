package io.vigil.detection.family.exfiltration;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.HourSample;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.baseline.Profile;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.family.GatePolicy;
import io.vigil.detection.family.Rarity;
import io.vigil.detection.family.TenantFeatures;
import io.vigil.detection.family.TenantWindow;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Severity;
import io.vigil.detection.model.Transfer;
import io.vigil.detection.support.Findings;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExfiltrationFamilyTest {

    static final Networks LAN = Networks.of(List.of("10.1.0.0/16"));
    static final Instant END = Instant.parse("2026-12-07T12:00:00Z");
    static final long AT = END.minusSeconds(600).toEpochMilli();
    static final long MB = 1_000_000L;

    final ExfiltrationFamily family = new ExfiltrationFamily(mapping(ExfiltrationConfig.class), mapping(Rarity.class));

    static <T> T mapping(Class<T> type) {
        return new SmallRyeConfigBuilder().withMapping(type).withSources(new PropertiesConfigSource(Map.of(), "test", 500)).build()
                .getConfigMapping(type);
    }

    static Transfer sent(String source, String host, int port, long out, long in, boolean recent) {
        return new Transfer(source, host, port, 6, out, in, recent, AT, AT + 60_000);
    }

    /** {@code out} bytes sent within the hour, by minute from {@code minute} on (epoch ms → bytes). */
    static Transfer sentByMinute(String source, String host, Map<Long, Long> byMinute) {
        long out = byMinute.values().stream().mapToLong(Long::longValue).sum();
        return new Transfer(source, host, 443, 6, out, 0, true, AT, AT + 60_000, byMinute);
    }


    /** What the family finds when the new batches hold {@code window} and the roll-up answers {@code history}. */
    List<Finding> detect(List<Transfer> window, List<Transfer> history) {
        return detect(window, history, null);
    }

    /**
     * What the family finds and refines as the engine runs it: the window's read answers the last hour of
     * {@code history}, the follow-ups the whole of it (the staging horizon) and {@code prevalence}, if any.
     */
    List<Finding> detect(List<Transfer> window, List<Transfer> history, FeatureRequest.DestinationPrevalence.Answer prevalence) {
        TenantWindow w = new TenantWindow("t", LAN, List.of(), List.of(), window, END);
        Map<FeatureRequest<?>, Object> reads = new HashMap<>();
        family.requests(w).forEach(r -> reads.put(r, history.stream().filter(Transfer::recent).toList()));
        List<Finding> found = family.detect(new TenantFeatures(w, reads));
        Map<FeatureRequest<?>, Object> more = new HashMap<>();
        for (FeatureRequest<?> r : family.followUps(found)) {
            if (r instanceof FeatureRequest.TransferHistory) {
                more.put(r, history);
            } else if (prevalence != null) {
                more.put(r, prevalence);
            }
        }
        return found.isEmpty() ? found : family.refine(found, new TenantFeatures(w, more));
    }

    @Test
    void aHundredAndFiftyMegabytesOutNeedAMatureBaselineToAlertAGigabyteDoesNot() {
        Transfer now = sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 10_000, true);
        Finding small = detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 150 * MB, 100_000, true))).get(0);
        assertEquals(AlertType.UNUSUAL_UPLOAD, small.type());
        assertFalse(family.gate(small).alone(), "below the 1 GiB floor: only a mature baseline can tell it is unusual");
        Finding large = detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 1_200 * MB, 100_000, true))).get(0);
        assertTrue(family.gate(large).alone());
        Alert a = Findings.merged(family, large);
        assertEquals("10.1.0.21 sent 1.2 GB to 198.51.100.10 within the hour", a.summary);
        assertEquals(Severity.HIGH, Severity.of(a.score));
        assertEquals(List.of("T1041"), List.of(a.mitre));
    }

    @Test
    void downloadsInternalCopiesAndBytesBeforeTheHourAreNoUpload() {
        Transfer now = sent("10.1.0.21", "198.51.100.10", 443, 2 * MB, 0, true);
        assertEquals(List.of(), detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 900 * MB, true))),
                "a large download");
        assertEquals(List.of(), detect(List.of(sent("10.1.0.21", "10.1.0.40", 22, 2 * MB, 0, true)),
                List.of(sent("10.1.0.21", "10.1.0.40", 22, 2_000 * MB, 0, true))), "a copy to an internal backup server");
        assertEquals(List.of(), detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 2_000 * MB, 0, false))),
                "sent hours ago, not within the hour");
    }

    @Test
    void pullingFromManyInternalHostsThenUploadingIsStagingAndStandsAlone() {
        List<Transfer> history = new ArrayList<>();
        for (int i = 100; i < 105; i++) {
            history.add(sent("10.1.0.21", "10.1.0." + i, 445, MB / 10, 25 * MB, false));
        }
        history.add(sent("10.1.0.21", "198.51.100.10", 8000, 130 * MB, 100_000, true));
        Finding f = detect(List.of(sent("10.1.0.21", "198.51.100.10", 8000, 5 * MB, 0, true)), history).get(0);
        assertEquals(AlertType.DATA_STAGING, f.type());
        assertTrue(family.gate(f).alone());
        Alert a = Findings.merged(family, f);
        assertEquals("10.1.0.21 pulled 125.0 MB from 5 internal hosts, then sent 130.0 MB to 198.51.100.10 within the hour", a.summary);
        assertEquals(List.of("T1041", "T1048", "T1074"), List.of(a.mitre), "8000/tcp is no web port");
        assertEquals(Severity.HIGH, Severity.of(a.score));

        TenantWindow w = new TenantWindow("t", LAN, List.of(), List.of(), List.of(sent("10.1.0.21", "198.51.100.10", 8000, 5 * MB, 0, true)), END);
        Map<FeatureRequest<?>, Object> lastHour = new HashMap<>();
        family.requests(w).forEach(r -> lastHour.put(r, history.stream().filter(Transfer::recent).toList()));
        assertEquals(List.of(AlertType.UNUSUAL_UPLOAD), family.detect(new TenantFeatures(w, lastHour)).stream().map(Finding::type).toList(),
                "an upload, until the follow-up reads the staging horizon");
        List<Transfer> fewHosts = history.subList(2, history.size());
        assertEquals(AlertType.UNUSUAL_UPLOAD, detect(List.of(sent("10.1.0.21", "198.51.100.10", 8000, 5 * MB, 0, true)), fewHosts)
                .get(0).type(), "pulled from 3 hosts only");
    }

    @Test
    void theAlertKeepsTheLargestHourSeen() {
        Transfer now = sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 0, true);
        Finding big = detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 1_500 * MB, 0, true))).get(0);
        Finding smaller = detect(List.of(now), List.of(sent("10.1.0.21", "198.51.100.10", 443, 1_100 * MB, 0, true))).get(0);
        Alert a = Findings.merged(family, big);
        family.merge(a, smaller);
        assertEquals("10.1.0.21 sent 1.5 GB to 198.51.100.10 within the hour", a.summary);
    }

    /** Fourteen days in which the host sent {@code value} every hour. */
    static Profile everyHour(Metric metric, long value) {
        long last = END.getEpochSecond() / 3600 * 3600 - 3600;
        long first = last - 14 * 86_400;
        Map<Long, HourSample> byHour = new HashMap<>();
        for (long h = first; h <= last; h += 3600) {
            HourSample s = HourSample.of("10.1.0.21", h);
            s.values().put(metric, value);
            byHour.put(h, s);
        }
        return Profile.build(byHour, first, last, java.time.ZoneOffset.UTC);
    }

    @Test
    void theGateDropsAnUploadBelowTheFloorUnlessAMatureBaselineIsExceeded() {
        Finding f = detect(List.of(sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 0, true)),
                List.of(sent("10.1.0.21", "198.51.100.10", 443, 300 * MB, 0, true))).get(0);
        GatePolicy policy = family.gate(f);
        FindingGate gate = new FindingGate(1.5);
        HourSample observed = HourSample.of("10.1.0.21", END.getEpochSecond());
        observed.values().put(Metric.BYTES_OUT, 300 * MB);
        FindingGate.Decision learning = gate.judge(f, policy, LAN, null, observed, END, List.of());
        assertEquals(FindingGate.DropReason.BASELINE, learning.dropped());
        assertTrue(learning.verdict().text().endsWith("below the absolute floor for a host without a mature baseline"),
                learning.verdict().text());
        HostBaseline mature = new HostBaseline("t", "10.1.0.21", HostBaseline.State.MATURE, END.minusSeconds(30 * 86_400), END,
                500, END.minusSeconds(23 * 86_400), everyHour(Metric.BYTES_OUT, 20 * MB), END);
        FindingGate.Decision above = gate.judge(f, policy, LAN, mature, observed, END, List.of());
        assertTrue(above.raised(), above.verdict().text());
        assertEquals(Gate.State.MATURE, above.verdict().state());
    }

    @Test
    void anUploadMostlyToADestinationFewHostsReachAndNewIsOneBandHigher() {
        Transfer now = sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 0, true);
        List<Transfer> history = List.of(sent("10.1.0.21", "198.51.100.10", 443, 150 * MB, 0, true),
                sent("10.1.0.21", "203.0.113.5", 443, 40 * MB, 0, true));
        long yesterday = END.minusSeconds(86_400).toEpochMilli();
        long lastMonth = END.minusSeconds(10 * 86_400).toEpochMilli();
        var seen = new FeatureRequest.DestinationPrevalence.Seen(1, yesterday);

        Alert rare = Findings.merged(family, detect(List.of(now), history, new FeatureRequest.DestinationPrevalence.Answer(100,
                Map.of("198.51.100.10", seen, "203.0.113.5", new FeatureRequest.DestinationPrevalence.Seen(40, lastMonth)))).get(0));
        assertEquals(Severity.HIGH, Severity.of(rare.score), "the 150 MB went to an address 1 of 100 hosts reached, first yesterday");
        assertEquals("10.1.0.21 sent 190.0 MB to 2 external hosts, mostly rare destinations, within the hour", rare.summary);
        assertTrue(rare.evidence.contains("\"rareDestinations\":[\"198.51.100.10\"]"), rare.evidence);

        Alert common = Findings.merged(family, detect(List.of(now), history, new FeatureRequest.DestinationPrevalence.Answer(100,
                Map.of("198.51.100.10", new FeatureRequest.DestinationPrevalence.Seen(30, yesterday)))).get(0));
        assertEquals(Severity.MEDIUM, Severity.of(common.score), "30 of 100 hosts reach it");
        Alert old = Findings.merged(family, detect(List.of(now), history, new FeatureRequest.DestinationPrevalence.Answer(100,
                Map.of("198.51.100.10", new FeatureRequest.DestinationPrevalence.Seen(1, lastMonth)))).get(0));
        assertEquals(Severity.MEDIUM, Severity.of(old.score), "one host only, but for ten days: not new");
        Alert unread = Findings.merged(family, detect(List.of(now), history).get(0));
        assertEquals(Severity.MEDIUM, Severity.of(unread.score), "without the prevalence read nothing is rare");
    }

    @Test
    void twoUploadersOfOneCustomerAreEachJudgedOnTheOnePrevalenceRead() {
        long yesterday = END.minusSeconds(86_400).toEpochMilli();
        List<Transfer> window = List.of(sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 0, true),
                sent("10.1.0.22", "203.0.113.5", 443, 5 * MB, 0, true));
        List<Transfer> history = List.of(sent("10.1.0.21", "198.51.100.10", 443, 150 * MB, 0, true),
                sent("10.1.0.22", "203.0.113.5", 443, 150 * MB, 0, true));
        List<Finding> found = detect(window, history, new FeatureRequest.DestinationPrevalence.Answer(100, Map.of(
                "198.51.100.10", new FeatureRequest.DestinationPrevalence.Seen(1, yesterday),
                "203.0.113.5", new FeatureRequest.DestinationPrevalence.Seen(1, yesterday))));
        assertEquals(2, found.size(), found.toString());
        found.forEach(f -> assertTrue(((UploadEvidence) f.evidence()).mostlyRare(), f.source() + ": " + f.evidence()));
    }

    @Test
    void theTimeChartKeepsEachMinutesLargestFigureInOrder() {
        long m0 = END.minusSeconds(1800).toEpochMilli() / 60_000 * 60_000;
        Transfer now = sent("10.1.0.21", "198.51.100.10", 443, 5 * MB, 0, true);
        Finding first = detect(List.of(now), List.of(sentByMinute("10.1.0.21", "198.51.100.10",
                Map.of(m0, 1_000 * MB, m0 + 60_000, 100 * MB)))).get(0);
        Finding later = detect(List.of(now), List.of(sentByMinute("10.1.0.21", "198.51.100.10",
                Map.of(m0 + 60_000, 300 * MB, m0 + 120_000, 50 * MB)))).get(0);
        Alert a = Findings.merged(family, first);
        family.merge(a, later);
        String minute = Instant.ofEpochMilli(m0).toString();
        assertTrue(a.evidence.contains("\"timeline\":[{\"minute\":\"" + minute + "\",\"bytes\":1000000000},{\"minute\":\""
                + Instant.ofEpochMilli(m0 + 60_000) + "\",\"bytes\":300000000},{\"minute\":\"" + Instant.ofEpochMilli(m0 + 120_000)
                + "\",\"bytes\":50000000}]"), a.evidence);
    }
}
