package io.vigil.sensor.capture;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Files laid end to end: gaps inside a file kept, short gaps between files kept, others replaced. */
class RetimeTest {

    private static final long KEEP = 60;
    private static final long SEPARATION = 61;

    @Test
    void theLastFileEndsNowAndEachFileKeepsItsOwnGaps() {
        long[] shifts = Retime.shifts(List.of(new Retime.Span(100, 200, 5)), 1000, KEEP, SEPARATION);
        assertArrayEquals(new long[] {800}, shifts);
    }

    @Test
    void aShortGapBetweenFilesIsKeptSoASplitCaptureStaysOneTimeline() {
        // 200 -> 250: 50 apart, within the idle timeout: the same shift for both, as if one file.
        long[] shifts = Retime.shifts(List.of(new Retime.Span(100, 200, 5), new Retime.Span(250, 400, 5)), 1000,
                KEEP, SEPARATION);
        assertArrayEquals(new long[] {600, 600}, shifts);
    }

    @Test
    void yearsApartOverlappingOrOutOfOrderFilesAreSeparatedByTheIdleTimeoutPlusASweep() {
        long year = 365L * 86_400 * 1_000_000;
        List<Retime.Span> spans = List.of(
                new Retime.Span(100, 200, 5),                 // 2 years before the next
                new Retime.Span(2 * year, 2 * year + 50, 5),  // then one that starts before this one ends
                new Retime.Span(2 * year + 40, 2 * year + 90, 5),
                new Retime.Span(10, 20, 3));                  // and finally one from before all of them
        long[] s = Retime.shifts(spans, 1_000_000, KEEP, SEPARATION);
        // The last file ends now.
        long lastEnd = 20 + s[3];
        // Each earlier file ends SEPARATION before the next one starts.
        long thirdEnd = 10 + s[3] - SEPARATION;
        long secondEnd = 2 * year + 40 + s[2] - SEPARATION;
        long firstEnd = 2 * year + s[1] - SEPARATION;
        assertArrayEquals(new long[] {1_000_000, thirdEnd, secondEnd, firstEnd},
                new long[] {lastEnd, 2 * year + 90 + s[2], 2 * year + 50 + s[1], 200 + s[0]});
        assertArrayEquals(new long[] {1_000_000 - 10 - 61 - 50 - 61 - 50 - 61 - 200}, new long[] {s[0]});
    }

    @Test
    void filesWithoutPacketsNeitherMoveNorBreakTheChain() {
        long[] shifts = Retime.shifts(List.of(new Retime.Span(100, 200, 5),
                new Retime.Span(Long.MAX_VALUE, Long.MIN_VALUE, 0), new Retime.Span(230, 300, 5),
                new Retime.Span(Long.MAX_VALUE, Long.MIN_VALUE, 0)), 1000, KEEP, SEPARATION);
        assertArrayEquals(new long[] {700, 0, 700, 0}, shifts);
    }
}
