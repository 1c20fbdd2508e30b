package io.vigil.sensor.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Mode choice, pacing of lines, and the bar's drawing. */
class ProgressReporterTest {

    @Test
    void autoIsABarOnlyOnATerminalThatCanRedraw() {
        Map<String, String> xterm = Map.of("TERM", "xterm-256color");
        assertEquals(ProgressReporter.Mode.BAR, ProgressReporter.choose("auto", false, xterm, true));
        assertEquals(ProgressReporter.Mode.LINES, ProgressReporter.choose("auto", false, xterm, false));
        assertEquals(ProgressReporter.Mode.LINES, ProgressReporter.choose("auto", false, Map.of("TERM", "dumb"), true));
        assertEquals(ProgressReporter.Mode.LINES, ProgressReporter.choose("auto", false, Map.of(), true));
        assertEquals(ProgressReporter.Mode.NONE, ProgressReporter.choose("bar", true, xterm, true));
        assertEquals(ProgressReporter.Mode.LINES, ProgressReporter.choose("LINES", false, xterm, true));
        assertThrows(IllegalArgumentException.class, () -> ProgressReporter.choose("often", false, xterm, true));
    }

    @Test
    void linesComeEveryIntervalNotOnEveryUpdate() {
        long[] now = {0};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ProgressReporter r = new ProgressReporter(new PrintStream(b, true, StandardCharsets.UTF_8),
                ProgressReporter.Mode.LINES, 1000, Duration.ofSeconds(5), () -> now[0]);
        for (int i = 0; i <= 100; i++) {
            now[0] = i * 100_000_000L;   // every 100 ms for 10 s
            r.metering(i * 10, i * 1000, i, 5, "");
        }
        String[] lines = b.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);   // at 0 s, 5 s and 10 s
        assertEquals("replay: 50% 50,000 packets, 50 flows, 0.01 M packets/s, 5 active", lines[1]);
    }

    @Test
    void theBarFillsWithTheFraction() {
        assertEquals("[..........]", ProgressReporter.bar(0, 10));
        assertEquals("[#####.....]", ProgressReporter.bar(0.5, 10));
        assertEquals("[##########]", ProgressReporter.bar(1, 10));
        assertEquals("[##########]", ProgressReporter.bar(1.5, 10));
    }
}
