package io.vigil.sensor.capture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans {@code replay --retime}: one time shift per file so that the files form one timeline that ends now.
 *
 * <p>Why per file: public captures come from different years (2010-2019), and one shift for all of them would keep
 * years between them, so ingest would refuse all but the newest as older than retention. Instead the files are laid
 * end to end in the order given, the last one ending now:
 * <ul>
 *   <li>within a file every gap between packets is kept;</li>
 *   <li>between two files the real gap is kept when it is between 0 and {@code keepGapUpTo} (the meter's idle timeout:
 *   a capture split into consecutive files, such as {@code tcpdump -C/-G} output, continues its flows across the
 *   split exactly as in one file);</li>
 *   <li>a longer, negative (overlapping) or out-of-order gap becomes {@code separation} (idle timeout plus the sweep
 *   interval), so every flow of the earlier file has been exported before the next file starts: unrelated captures
 *   meter exactly as they would one by one, just nearer in time.</li>
 * </ul>
 */
public final class Retime {

    /** First and last packet time of one file, µs; {@code frames} 0 for a file without packets. */
    public record Span(long firstMicros, long lastMicros, long frames) {
    }

    private Retime() {
    }

    /** Reads each file once (fast: no metering) for its first and last packet times. */
    public static List<Span> spans(List<Path> files) throws CaptureException {
        List<Span> spans = new ArrayList<>();
        for (Path file : files) {
            OfflineCapture.Result r = OfflineCapture.read(file, (ts, d, o, c, l) -> { });
            spans.add(new Span(r.firstMicros(), r.lastMicros(), r.frames()));
        }
        return spans;
    }

    /**
     * The shift (µs, added to every packet time) for each file.
     *
     * @param nowMicros   where the last packet of the last non-empty file lands
     * @param keepGapUpTo a gap between files up to this long (µs) is kept as it was
     * @param separation  what a longer, negative or out-of-order gap becomes (µs)
     */
    public static long[] shifts(List<Span> spans, long nowMicros, long keepGapUpTo, long separation) {
        long[] shift = new long[spans.size()];
        long nextFirst = Long.MIN_VALUE;
        long nextFirstShifted = 0;
        for (int i = spans.size() - 1; i >= 0; i--) {
            Span s = spans.get(i);
            if (s.frames() == 0) {
                continue;
            }
            long lastShifted;
            if (nextFirst == Long.MIN_VALUE) {
                lastShifted = nowMicros;
            } else {
                long gap = nextFirst - s.lastMicros();
                lastShifted = nextFirstShifted - (gap >= 0 && gap <= keepGapUpTo ? gap : separation);
            }
            shift[i] = lastShifted - s.lastMicros();
            nextFirst = s.firstMicros();
            nextFirstShifted = s.firstMicros() + shift[i];
        }
        return shift;
    }
}
