package io.vigil.detection.baseline;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A host's hour-of-week profile: for each of the 168 hours of the week (Monday 00:00 first, in the customer's time
 * zone) and each metric, the median and p99 of the hourly figures seen in that hour of the week and its two
 * neighbours, plus the same over all hours. Hours between the host's first and last activity without any flow count
 * as zero, so a laptop's nights are learned as quiet.
 *
 * @param samples hourly samples behind each slot (its own and its neighbours' hours)
 */
public record Profile(String timeZone, int[] samples, Map<Metric, Stats> metrics) {

    public static final int SLOTS = 168;
    /** A slot with fewer samples than this falls back to the host's figures over all hours. */
    public static final int MIN_SLOT_SAMPLES = 3;

    /**
     * @param p50    per slot
     * @param p99    per slot
     * @param allP50 over every hour
     * @param allP99 over every hour
     */
    public record Stats(long[] p50, long[] p99, long allP50, long allP99) {
    }

    /** The hour of the week (0 = Monday 00:00) of an instant in a zone. */
    public static int slot(Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return (t.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()) * 24 + t.getHour();
    }

    /** "Tue 14:00". */
    public static String slotName(int slot) {
        return DayOfWeek.of(slot / 24 + 1).getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ROOT)
                + String.format(java.util.Locale.ROOT, " %02d:00", slot % 24);
    }

    /**
     * The profile of hourly samples {@code byHour} (epoch second of each hour → figures), zero-filled between
     * {@code firstHour} and {@code lastHour} inclusive.
     */
    public static Profile build(Map<Long, HourSample> byHour, long firstHour, long lastHour, ZoneId zone) {
        List<List<long[]>> perSlot = new ArrayList<>(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            perSlot.add(new ArrayList<>());
        }
        Metric[] metrics = Metric.values();
        List<long[]> all = new ArrayList<>();
        for (long h = firstHour; h <= lastHour; h += 3600) {
            HourSample s = byHour.get(h);
            long[] v = new long[metrics.length];
            for (Metric m : metrics) {
                v[m.ordinal()] = s == null ? 0 : s.get(m);
            }
            perSlot.get(slot(Instant.ofEpochSecond(h), zone)).add(v);
            all.add(v);
        }
        int[] samples = new int[SLOTS];
        Map<Metric, Stats> stats = new EnumMap<>(Metric.class);
        long[][] p50 = new long[metrics.length][SLOTS];
        long[][] p99 = new long[metrics.length][SLOTS];
        for (int slot = 0; slot < SLOTS; slot++) {
            List<long[]> near = new ArrayList<>();
            for (int d = -1; d <= 1; d++) {
                near.addAll(perSlot.get(Math.floorMod(slot + d, SLOTS)));
            }
            samples[slot] = near.size();
            for (Metric m : metrics) {
                long[] values = near.stream().mapToLong(v -> v[m.ordinal()]).toArray();
                p50[m.ordinal()][slot] = percentile(values, 0.50);
                p99[m.ordinal()][slot] = percentile(values, 0.99);
            }
        }
        for (Metric m : metrics) {
            long[] values = all.stream().mapToLong(v -> v[m.ordinal()]).toArray();
            stats.put(m, new Stats(p50[m.ordinal()], p99[m.ordinal()], percentile(values, 0.50), percentile(values, 0.99)));
        }
        return new Profile(zone.getId(), samples, stats);
    }

    /** Nearest-rank percentile; 0 for no values. With few samples p99 is their maximum, which is the intent. */
    static long percentile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The p99 that applies at {@code at}: the slot's, or the host's over all hours when the slot has too few samples. */
    public long p99(Metric m, Instant at) {
        int slot = slot(at, ZoneId.of(timeZone));
        Stats s = metrics.get(m);
        if (s == null) {
            return 0;
        }
        return samples[slot] >= MIN_SLOT_SAMPLES ? s.p99[slot] : s.allP99;
    }

    public long allP99(Metric m) {
        Stats s = metrics.get(m);
        return s == null ? 0 : s.allP99;
    }
}
