package io.vigil.sensor.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Shows how a replay is going on stderr: a bar redrawn in place when stderr is a terminal, and plain lines every few
 * seconds when it is not (an installer's log, CI, {@code journalctl}), where carriage returns would make a mess.
 */
final class ProgressReporter {

    /** How progress is shown. */
    enum Mode {
        BAR,
        LINES,
        NONE
    }

    static final int BAR_WIDTH = 28;
    private static final long BAR_EVERY_NANOS = 200_000_000L;

    private final PrintStream err;
    private final Mode mode;
    private final long totalBytes;
    private final long lineEveryNanos;
    private final LongSupplier nanoClock;
    private final long started;
    private long lastShown = Long.MIN_VALUE;
    private boolean barOnScreen;

    ProgressReporter(PrintStream err, Mode mode, long totalBytes, Duration lineEvery, LongSupplier nanoClock) {
        this.err = err;
        this.mode = mode;
        this.totalBytes = Math.max(1, totalBytes);
        this.lineEveryNanos = lineEvery.toNanos();
        this.nanoClock = nanoClock;
        this.started = nanoClock.getAsLong();
    }

    Mode mode() {
        return mode;
    }

    /**
     * The mode for {@code --progress} (auto, bar, lines, none) and {@code -q}: auto is a bar when stderr is a terminal
     * that can redraw ({@code TERM} set and not "dumb"), else lines.
     */
    static Mode choose(String option, boolean quiet, Map<String, String> env, boolean stderrIsTerminal) {
        if (quiet) {
            return Mode.NONE;
        }
        switch (option.toLowerCase(Locale.ROOT)) {
            case "bar":
                return Mode.BAR;
            case "lines":
                return Mode.LINES;
            case "none":
                return Mode.NONE;
            case "auto":
                String term = env.getOrDefault("TERM", "");
                return stderrIsTerminal && !term.isEmpty() && !term.equals("dumb") ? Mode.BAR : Mode.LINES;
            default:
                throw new IllegalArgumentException("--progress must be auto, bar, lines or none, not '" + option + "'");
        }
    }

    /** Whether this process's stderr is a terminal (Linux: what /proc/self/fd/2 points at). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }

    /** Metering progress; shows it if it is time to (the caller may call as often as it likes). */
    void metering(long bytesRead, long packets, long flowsExported, int activeFlows, String exportSuffix) {
        if (due()) {
            progress(bytesRead, String.format(Locale.ROOT, "%,d packets, %,d flows, %.2f M packets/s", packets,
                    flowsExported, packets / seconds() / 1e6), String.format(Locale.ROOT, ", %,d active", activeFlows),
                    exportSuffix);
        }
    }

    /** Progress through Zeek conn logs: records rather than packets, and no active flows (there is no meter). */
    void reading(long bytesRead, long records, long flows, long rejected, String exportSuffix) {
        if (due()) {
            progress(bytesRead, String.format(Locale.ROOT, "%,d records, %,d flows, %.2f M records/s", records, flows,
                    records / seconds() / 1e6), String.format(Locale.ROOT, ", %,d rejected", rejected), exportSuffix);
        }
    }

    private double seconds() {
        return Math.max(1e-9, (nanoClock.getAsLong() - started) / 1e9);
    }

    private void progress(long bytesRead, String counts, String lineTail, String exportSuffix) {
        double fraction = Math.min(1.0, bytesRead / (double) totalBytes);
        if (mode == Mode.BAR) {
            double secs = seconds();
            String eta = fraction > 0.01 && fraction < 1 ? " ETA " + clock(secs / fraction - secs) : "";
            show(String.format(Locale.ROOT, "%s %3.0f%% %s%s%s", bar(fraction, BAR_WIDTH), fraction * 100, counts, eta,
                    exportSuffix));
        } else {
            err.printf(Locale.ROOT, "replay: %.0f%% %s%s%s%n", fraction * 100, counts, lineTail, exportSuffix);
        }
    }

    /** Export progress after metering (waiting for acknowledgements). */
    void exporting(String text) {
        if (due()) {
            if (mode == Mode.BAR) {
                show(text);
            } else {
                err.println("replay: " + text);
            }
        }
    }

    /** Ends the bar's line so that what follows starts on a line of its own. */
    void endLine() {
        if (barOnScreen) {
            err.println();
            barOnScreen = false;
        }
        lastShown = Long.MIN_VALUE;
    }

    private boolean due() {
        if (mode == Mode.NONE) {
            return false;
        }
        long now = nanoClock.getAsLong();
        long every = mode == Mode.BAR ? BAR_EVERY_NANOS : lineEveryNanos;
        if (lastShown != Long.MIN_VALUE && now - lastShown < every) {
            return false;
        }
        lastShown = now;
        return true;
    }

    private void show(String line) {
        // \r back to the start, the line, then erase whatever a longer previous line left to the right.
        err.print("\r" + line + "\033[K");
        err.flush();
        barOnScreen = true;
    }

    static String bar(double fraction, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
    }

    private static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
