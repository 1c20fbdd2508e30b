package io.vigil.portal.chart;

import io.vigil.portal.api.Baseline;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HourOfWeekChartTest {

    @Test
    void drawsEveryHourOfTheWeekScaledToTheHighestP99() {
        List<Baseline.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 168; i++) {
            slots.add(new Baseline.Slot(i, "slot " + i, 4, i == 9 ? 5 : 0, i == 9 ? 20 : 1));
        }
        String svg = HourOfWeekChart.svg(new Baseline.MetricView("failed targets", 0, 8, slots));
        assertEquals(2 * 168, svg.split("<rect ", -1).length - 1);
        assertTrue(svg.contains("text-anchor=\"end\">20</text>"), "the scale's top is the highest p99");
        assertTrue(svg.contains("<title>slot 9: p50 5, p99 20 (4 samples)</title>"), svg);
        // slot 9's p99 bar is full height; its median a quarter of it
        assertTrue(svg.contains("y=\"4\" width=\"3\" height=\"" + HourOfWeekChart.HEIGHT + "\""), svg);
        assertTrue(svg.contains("height=\"" + Math.round(HourOfWeekChart.HEIGHT * 5 / 20.0) + "\" fill=\"#1864ab\""), svg);
        assertTrue(svg.contains(">Mon<") && svg.contains(">Sun<"));
    }

    @Test
    void largeScalesAreWrittenShort() {
        assertEquals("9999", HourOfWeekChart.compact(9999));
        assertEquals("72k", HourOfWeekChart.compact(72_000));
        assertEquals("2.9M", HourOfWeekChart.compact(2_880_000));
        assertEquals("12M", HourOfWeekChart.compact(12_400_000));
    }
}
