package io.vigil.portal.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UploadTimelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Evidence as detection writes it, with {@code entries} as its timeline ("minute bytes" pairs, minutes of 17:xx). */
    private static JsonNode evidence(String... entries) throws Exception {
        StringBuilder timeline = new StringBuilder();
        for (String e : entries) {
            String[] p = e.split(" ");
            timeline.append(timeline.isEmpty() ? "" : ",").append("{\"minute\":\"2026-12-07T17:").append(p[0])
                    .append(":00Z\",\"bytes\":").append(p[1]).append('}');
        }
        return JSON.readTree("{\"externalBytesLastHour\":1200000000,\"destinations\":[\"198.51.100.10 443/tcp 1.2 GB\"],"
                + "\"timeline\":[" + timeline + "]}");
    }

    @Test
    void missingMinutesBetweenTheFirstAndTheLastAreZero() throws Exception {
        UploadTimeline.Series s = UploadTimeline.series(evidence("03 1000", "06 3000", "04 2000").get("timeline"));
        assertEquals(Instant.parse("2026-12-07T17:03:00Z"), s.first());
        assertArrayEquals(new long[]{1000, 2000, 0, 3000}, s.bytes(), "17:03 to 17:06, out of order on input, 17:05 quiet");
        assertEquals(0, s.shownFrom());
        String svg = UploadTimeline.svg("10.1.0.5", evidence("03 1000", "06 3000", "04 2000"));
        assertEquals(3, Drawn.count(svg, "<rect "), "a bar per minute with bytes, none for the quiet one: " + svg);
        // the quiet minute keeps its place: 17:06 is the fourth bar
        int bar = UploadTimeline.barWidth(4);
        assertTrue(svg.contains("<rect x=\"" + (UploadTimeline.LEFT + 3 * bar) + "\""), svg);
        assertTrue(svg.contains("<title>17:06 UTC: 3.0 KB</title>"), svg);
    }

    @Test
    void barsAreScaledToARoundTopAboveTheBusiestMinute() throws Exception {
        String svg = UploadTimeline.svg("10.1.0.5", evidence("03 150000000", "04 75000000"));
        // 150 MB rounds up to a 200 MB scale, labelled at 0, 100 MB and 200 MB
        assertTrue(svg.contains(">200.0 MB</text>") && svg.contains(">100.0 MB</text>") && svg.contains(">0</text>"), svg);
        int h150 = Math.round(UploadTimeline.PLOT_H * 150f / 200);
        int h75 = Math.round(UploadTimeline.PLOT_H * 75f / 200);
        assertTrue(svg.contains("y=\"" + (UploadTimeline.TOP + UploadTimeline.PLOT_H - h150) + "\" width=\"47\" height=\"" + h150 + "\""), svg);
        assertTrue(svg.contains("height=\"" + h75 + "\""), svg);
        assertEquals(1, UploadTimeline.niceTop(0));
        assertEquals(1_000, UploadTimeline.niceTop(1_000));
        assertEquals(2_000_000, UploadTimeline.niceTop(1_048_576));
        assertEquals(5_000_000_000L, UploadTimeline.niceTop(2_000_000_001L));
    }

    @Test
    void bytesAreWrittenInDecimalUnitsAsDetectionsSummaries() {
        assertEquals("999 B", UploadTimeline.bytes(999));
        assertEquals("1.0 KB", UploadTimeline.bytes(1_000));
        assertEquals("1.0 MB", UploadTimeline.bytes(1_048_576));
        assertEquals("150.2 MB", UploadTimeline.bytes(150_200_000));
        assertEquals("1.2 GB", UploadTimeline.bytes(1_200_000_000));
    }

    @Test
    void axesAreLabelledWithUtcTimeAndBytesAndTheTitleSaysTheTotal() throws Exception {
        String svg = UploadTimeline.svg("10.1.0.5", evidence("03 1000000", "40 2500000"));
        assertTrue(svg.contains(">time (UTC)</text>") && svg.contains(">bytes per minute</text>"), svg);
        String title = "Bytes 10.1.0.5 sent to external hosts per minute, 2026-12-07 17:03 to 17:40 UTC: 3.5 MB in all,"
                + " at most 2.5 MB in a minute";
        assertTrue(svg.contains("aria-label=\"" + title + "\"") && svg.contains("<title>" + title + "</title>"), svg);
        // 38 minutes: a label every 5 minutes, on the round ones
        assertTrue(svg.contains(">17:05</text>") && svg.contains(">17:40</text>") && !svg.contains(">17:03</text>"), svg);
        assertEquals(8, Drawn.count(svg, "text-anchor=\"middle\">17:"), svg);
    }

    @Test
    void aFewMinutesAreEachLabelled() throws Exception {
        String svg = UploadTimeline.svg("10.1.0.5", evidence("07 5000"));
        assertTrue(svg.contains(">17:07</text>"), svg);
        assertEquals(1, Drawn.count(svg, "<rect "), svg);
    }

    @Test
    void anAlertLongerThanTheChartShowsItsLastMinutesAndSaysSo() throws Exception {
        JsonNode evidence = JSON.readTree("{\"timeline\":[{\"minute\":\"2026-12-07T12:00:00Z\",\"bytes\":1},"
                + "{\"minute\":\"2026-12-07T17:59:00Z\",\"bytes\":2000}]}");
        UploadTimeline.Series s = UploadTimeline.series(evidence.get("timeline"));
        assertEquals(UploadTimeline.MAX_MINUTES, s.bytes().length);
        assertEquals(Instant.parse("2026-12-07T15:00:00Z"), s.first());
        assertEquals(360 - UploadTimeline.MAX_MINUTES, s.shownFrom());
        String svg = UploadTimeline.svg("10.1.0.5", evidence);
        assertTrue(svg.contains("2026-12-07 15:00 to 17:59 UTC (the last 180 minutes of 360): 2.0 KB in all"), svg);
        assertEquals(1, Drawn.count(svg, "<rect "), "12:00 is before the part shown: " + svg);
    }

    @Test
    void noTimelineOrNothingUsableInItDrawsNothing() throws Exception {
        assertEquals("", UploadTimeline.svg("10.1.0.5", null));
        assertEquals("", UploadTimeline.svg("10.1.0.5", JSON.readTree("{\"externalBytesLastHour\":1200000000}")));
        assertEquals("", UploadTimeline.svg("10.1.0.5", JSON.readTree("{\"timeline\":[]}")));
        assertEquals("", UploadTimeline.svg("10.1.0.5", JSON.readTree("{\"timeline\":\"17:03 1 MB\"}")));
        assertNull(UploadTimeline.series(JSON.readTree("[{\"minute\":\"yesterday\",\"bytes\":5},"
                + "{\"minute\":\"2026-12-07T17:03:00Z\",\"bytes\":0},{\"minute\":\"2026-12-07T17:04:00Z\",\"bytes\":\"many\"}]")));
    }

    @Test
    void twoEntriesOfOneMinuteAreAddedAndTheSourceIsEscaped() throws Exception {
        JsonNode evidence = JSON.readTree("{\"timeline\":[{\"minute\":\"2026-12-07T17:03:00Z\",\"bytes\":1000},"
                + "{\"minute\":\"2026-12-07T17:03:30Z\",\"bytes\":500}]}");
        assertArrayEquals(new long[]{1500}, UploadTimeline.series(evidence.get("timeline")).bytes());
        String svg = UploadTimeline.svg("<x>", evidence);
        assertTrue(svg.contains("Bytes &lt;x&gt; sent") && !svg.contains("<x>"), svg);
    }
}
