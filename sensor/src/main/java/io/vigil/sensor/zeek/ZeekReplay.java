package io.vigil.sensor.zeek;

import io.vigil.sensor.capture.Pacer;
import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.capture.Retime;
import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeteredFlow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays Zeek conn logs as flows: the engine behind {@code vigil-sensor replay} for conn logs, shared by tests and
 * the benchmark. A conn log is already a list of finished connections, so there is no meter: each record is mapped
 * ({@link ConnMapper}) and handed to the sink as the meter would hand a flow it exported.
 */
public final class ZeekReplay {

    /** Hears about progress about every 100 ms, on the replay thread. */
    @FunctionalInterface
    public interface Progress {
        /** @param bytesRead how far into the files (all of them, compressed bytes for .gz) the replay is */
        void update(ZeekReplay replay, long bytesRead);
    }

    /** What one log delivered; {@code error} is set when it stopped early. */
    public record FileResult(Path file, long records, long flows, String error) {
    }

    /** One log's times (µs): earliest start, earliest and latest end, and its flow count. */
    public record Span(long firstStart, long firstEnd, long lastEnd, long flows) {
    }

    /**
     * A gap up to this long between one log's last end and the next one's first start is kept by --retime (rotated
     * logs of one site, quiet hours included); a longer one is closed up, as Retime does for captures.
     */
    public static final long KEEP_GAP_MICROS = 3_600_000_000L;

    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    private final FlowSink sink;
    private final Replay.Speed speed;
    private final Progress progress;
    private final Rejects rejects = new Rejects();
    private long records;
    private long flows;
    private long missedBytes;
    private long shiftMicros;
    private long bytesBefore;
    private ConnLogReader current;
    private long lastProgressNanos = System.nanoTime();
    private final Pacer pacer = new Pacer(PROGRESS_EVERY_NANOS, this::maybeReport);

    /** @param progress may be null */
    public ZeekReplay(FlowSink sink, Replay.Speed speed, Progress progress) {
        this.sink = sink;
        this.speed = speed;
        this.progress = progress;
    }

    /** Records read (every data line, rejected or not). */
    public long records() {
        ConnLogReader r = current;
        return records + (r == null ? 0 : r.records());
    }

    /** Flows handed to the sink. */
    public long flows() {
        return flows;
    }

    /** Flows whose record had missed_bytes above 0 (the Zeek sensor lost packets of them). */
    public long missedBytes() {
        return missedBytes;
    }

    public Rejects rejects() {
        return rejects;
    }

    /** Replays the logs in order with their times as logged. */
    public List<FileResult> run(List<Path> logs) {
        return run(logs, new long[logs.size()]);
    }

    /** Replays the logs in order, adding {@code shiftMicros[i]} to every time of log i (see {@link #retime}). */
    public List<FileResult> run(List<Path> logs, long[] shiftMicros) {
        List<FileResult> results = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            Path log = logs.get(i);
            this.shiftMicros = shiftMicros[i];
            try (ConnLogReader reader = new ConnLogReader(log, rejects)) {
                current = reader;
                ConnLogReader.Result r = reader.read(this::emit);
                current = null;
                records += r.records();
                missedBytes += r.missedBytes();
                results.add(new FileResult(log, r.records(), r.flows(), r.error()));
                bytesBefore += reader.bytesRead();
            } catch (IOException e) {
                results.add(new FileResult(log, 0, 0, e.getMessage()));
            } finally {
                current = null;
            }
        }
        if (progress != null) {
            progress.update(this, bytesBefore);
        }
        return results;
    }

    private boolean emit(MeteredFlow f) {
        MeteredFlow out = shiftMicros == 0 ? f : shifted(f, shiftMicros);
        if (speed == Replay.Speed.REALTIME) {
            // About when Zeek wrote it: at its end, with the log's own pace between records.
            pacer.pace(out.endMicros());
        }
        sink.accept(out);
        if ((++flows & 0xfff) == 0) {
            maybeReport();
        }
        return true;
    }

    private void maybeReport() {
        long now = System.nanoTime();
        if (progress != null && now - lastProgressNanos >= PROGRESS_EVERY_NANOS) {
            lastProgressNanos = now;
            progress.update(this, bytesBefore + (current == null ? 0 : current.bytesRead()));
        }
    }

    private static MeteredFlow shifted(MeteredFlow f, long by) {
        return new MeteredFlow(f.startMicros() + by, f.endMicros() + by, f.ipVersion(), f.origAddr(), f.respAddr(),
                f.origPort(), f.respPort(), f.protocol(), f.icmpType(), f.icmpCode(), f.origPackets(), f.origBytes(),
                f.respPackets(), f.respBytes(), f.origTcpFlags(), f.respTcpFlags(), f.connState(), f.history(),
                f.vlan(), f.communityId(), f.icmpReply(), f.reason(), f.zeekUid(), f.source());
    }

    /** Reads each log once (mapping, no output) for its times. */
    public static List<Span> spans(List<Path> logs) throws IOException {
        List<Span> spans = new ArrayList<>();
        for (Path log : logs) {
            long[] firstEnd = {Long.MAX_VALUE};
            try (ConnLogReader r = new ConnLogReader(log, new Rejects())) {
                ConnLogReader.Result result = r.read(f -> {
                    firstEnd[0] = Math.min(firstEnd[0], f.endMicros());
                    return true;
                });
                spans.add(new Span(result.firstStart(), firstEnd[0], result.lastEnd(), result.flows()));
            }
        }
        return spans;
    }

    /**
     * The shift (µs) per log for --retime. Logs whose times overlap or follow within {@link #KEEP_GAP_MICROS} (one
     * site's rotated logs) keep their real relation and move as one; larger gaps (logs of different years) shrink to
     * {@code separation}, as {@link Retime} lays captures end to end. The latest end lands on {@code nowMicros}; with
     * {@code startNow} (--speed realtime) the earliest end lands there instead, so that each flow is stamped about
     * when it is handed over and none ends in the future.
     */
    public static long[] retime(List<Span> spans, long nowMicros, long separation, boolean startNow) {
        List<Retime.Span> groups = new ArrayList<>();
        int[] groupOf = new int[spans.size()];
        long groupFirst = 0;
        long groupLast = Long.MIN_VALUE;
        long groupFlows = 0;
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            if (s.flows() == 0) {
                groupOf[i] = -1;
                continue;
            }
            if (groupLast == Long.MIN_VALUE || s.firstStart() > groupLast + KEEP_GAP_MICROS) {
                if (groupLast != Long.MIN_VALUE) {
                    groups.add(new Retime.Span(groupFirst, groupLast, groupFlows));
                }
                groupFirst = s.firstStart();
                groupLast = s.lastEnd();
                groupFlows = 0;
            } else {
                groupFirst = Math.min(groupFirst, s.firstStart());
                groupLast = Math.max(groupLast, s.lastEnd());
            }
            groupFlows += s.flows();
            groupOf[i] = groups.size();
        }
        if (groupLast != Long.MIN_VALUE) {
            groups.add(new Retime.Span(groupFirst, groupLast, groupFlows));
        }
        long[] groupShift = Retime.shifts(groups, nowMicros, KEEP_GAP_MICROS, separation);
        long[] shift = new long[spans.size()];
        long earliestEnd = Long.MAX_VALUE;
        for (int i = 0; i < spans.size(); i++) {
            if (groupOf[i] >= 0) {
                shift[i] = groupShift[groupOf[i]];
                earliestEnd = Math.min(earliestEnd, spans.get(i).firstEnd() + shift[i]);
            }
        }
        if (startNow && earliestEnd != Long.MAX_VALUE) {
            for (int i = 0; i < shift.length; i++) {
                shift[i] += nowMicros - earliestEnd;
            }
        }
        return shift;
    }
}
