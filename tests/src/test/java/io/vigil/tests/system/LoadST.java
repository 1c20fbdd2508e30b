package io.vigil.tests.system;

import io.vigil.tests.load.FlowLoad;
import io.vigil.tests.load.Keycloak;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The long run: two enrolled sensors stream the ingest benchmark's workload ({@link FlowLoad}) at a steady rate for
 * {@code vigil.load.minutes} (10) while detection judges it, with ingest and detection as processes. Every 10 s it
 * samples both services' resident set and the lowest heap after a GC since the last sample (from each JVM's GC log).
 * It asserts that every flow sent is stored exactly once and that memory is flat: after a warm-up minute, the lowest
 * heap after GC in the last third of the run is within {@code vigil.load.heap-growth} (25 %, or 16 MiB, whichever is
 * larger) of the lowest in the first third. The lowest, because a young collection's "after" still holds the old
 * generation's garbage until the next marking: only the floor follows the live set, which a leak raises. Prints BENCH
 * lines. Tagged {@code load}: scripts/bench runs it, scripts/test does not.
 */
@Tag("load")
class LoadST {

    private static final double MINUTES = Double.parseDouble(System.getProperty("vigil.load.minutes", "10"));
    /** Flows/s over both sensors: the ingest goal the benchmark proves (README: goal ≥ 200,000 flows/s). */
    private static final double RATE = Double.parseDouble(System.getProperty("vigil.load.rate", "200000"));
    private static final double HEAP_GROWTH = Double.parseDouble(System.getProperty("vigil.load.heap-growth", "0.25"));
    private static final long HEAP_SLACK_MB = 16;
    private static final double WARMUP_SECONDS = Double.parseDouble(System.getProperty("vigil.load.warmup-seconds", "60"));
    private static final int SAMPLE_SECONDS = 10;
    /** A stream per minute, each with a fresh token: an enrolled sensor's token lives 5 minutes. */
    private static final int CHUNK_SECONDS = 60;
    private static final int BATCH = 5_000;
    private static final Pattern AFTER_GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    /** One sample of a service: resident set and the lowest heap after a GC since the last sample, in MiB (-1: no GC). */
    record Sample(double at, long rssMb, long heapAfterGcMb) {
    }

    @Test
    void tenMinutesAtTheIngestRateLoseNothingAndKeepMemoryFlat() throws Exception {
        Path work = SystemStack.ROOT.resolve("tests/target/load-st");
        Files.createDirectories(work);
        Path ingestGc = work.resolve("ingest-gc.log");
        Path detectionGc = work.resolve("detection-gc.log");
        Files.deleteIfExists(ingestGc);
        Files.deleteIfExists(detectionGc);
        try (Pipeline pipeline = Pipeline.start("load-st", "vigil_load_st",
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:gc:file=" + ingestGc),
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:gc:file=" + detectionGc, "VIGIL_NOTIFY_ENABLED", "false"))) {
            String admin = SystemStack.userToken("msp-a-admin");
            List<String[]> sensors = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String customer = pipeline.createCustomer(admin, "load-st " + i + " " + Long.toString(System.nanoTime(), 36),
                        List.of("10.1.0.0/16"));
                java.util.Properties enrolled = Pipeline.credentials(pipeline.enrollSensor(admin, customer));
                sensors.add(new String[]{enrolled.getProperty("client-id"), enrolled.getProperty("client-secret")});
            }
            String marker = "load-" + Long.toString(System.nanoTime(), 36);
            Map<String, List<Sample>> samples = Map.of("ingest", new ArrayList<>(), "detection", new ArrayList<>());
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            long t0 = System.nanoTime();
            int[] gcSeen = {0, 0};
            sampler.scheduleAtFixedRate(() -> {
                double at = (System.nanoTime() - t0) / 1e9;
                samples.get("ingest").add(sample(at, pipeline.ingest(), ingestGc, gcSeen, 0));
                samples.get("detection").add(sample(at, pipeline.detection(), detectionGc, gcSeen, 1));
            }, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);

            long sent = 0;
            ExecutorService pool = Executors.newFixedThreadPool(sensors.size());
            try {
                long perSensor = (long) (RATE / sensors.size() * CHUNK_SECONDS);
                // a minute's worth at a time until the time is up: a machine that cannot keep the rate runs as long
                while (System.nanoTime() - t0 < MINUTES * 60e9) {
                    List<Future<FlowLoad.Result>> results = new ArrayList<>();
                    for (String[] s : sensors) {
                        FlowLoad load = new FlowLoad(pipeline.ingestAddress, Keycloak.clientToken(SystemStack.ISSUER, s[0], s[1]),
                                s[0], BATCH);
                        results.add(pool.submit(() -> load.run(perSensor, marker, acked -> { }, RATE / sensors.size())));
                    }
                    for (Future<FlowLoad.Result> r : results) {
                        FlowLoad.Result result = r.get();
                        assertEquals(result.flowsSent(), result.flowsAccepted(), "ingest accepted every flow of " + result.sensor());
                        sent += result.flowsSent();
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            sampler.shutdown();
            sampler.awaitTermination(30, TimeUnit.SECONDS);

            long stored = Long.parseLong(SystemStack.clickhouse("SELECT count() FROM " + pipeline.database
                    + ".flows WHERE community_id = '" + marker + "'"));
            System.out.printf("BENCH load_flows_per_s %.0f flows/s ratio=%.2f vs the target rate %.0f flows/s (%d flows in %.0f s,"
                    + " 2 sensors, detection running)%n", sent / seconds, sent / seconds / RATE, RATE, sent, seconds);
            System.out.printf("BENCH load_flows_lost %d flows (sent %d, stored %d)%n", sent - stored, sent, stored);
            String judged = SystemStack.postgres("SELECT coalesce(sum(processed_seq), 0) FROM detection.sensor_marks WHERE sensor_id IN ('"
                    + sensors.get(0)[0] + "', '" + sensors.get(1)[0] + "')");
            String batches = SystemStack.clickhouse("SELECT uniqExact(sensor_id, batch_seq) FROM " + pipeline.database + ".flows");
            System.out.printf("BENCH load_detection_batches_judged %s batches ratio=%.2f vs batches stored (%s) when the load stopped%n",
                    judged, Double.parseDouble(judged) / Double.parseDouble(batches), batches);
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
                failures.addAll(flat(e.getKey(), e.getValue()));
            }
            assertEquals(sent, stored, "every flow sent is stored exactly once");
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    /** Prints a service's samples and figures; the failure if its heap after GC grew. */
    private static List<String> flat(String service, List<Sample> samples) {
        for (Sample s : samples) {
            System.out.printf("LoadST %s t=%.0fs rss=%d MiB lowest-heap-after-gc=%d MiB%n", service, s.at(), s.rssMb(), s.heapAfterGcMb());
        }
        List<Sample> steady = samples.stream().filter(s -> s.at() >= WARMUP_SECONDS).toList();
        List<Sample> withGc = steady.stream().filter(s -> s.heapAfterGcMb() >= 0).toList();
        if (withGc.size() < 3) {
            return List.of(service + ": only " + withGc.size() + " samples with a GC after the warm-up; run longer (-Dvigil.load.minutes)");
        }
        int third = withGc.size() / 3;
        long first = withGc.subList(0, third).stream().mapToLong(Sample::heapAfterGcMb).min().orElseThrow();
        long last = withGc.subList(withGc.size() - third, withGc.size()).stream().mapToLong(Sample::heapAfterGcMb).min().orElseThrow();
        long rssFirst = median(steady.subList(0, steady.size() / 3).stream().mapToLong(Sample::rssMb).toArray());
        long rssLast = median(steady.subList(steady.size() - steady.size() / 3, steady.size()).stream().mapToLong(Sample::rssMb).toArray());
        long limit = Math.max((long) Math.ceil(first * (1 + HEAP_GROWTH)), first + HEAP_SLACK_MB);
        System.out.printf("BENCH load_%s_heap_after_gc_floor %d MiB ratio=%.2f vs the first third of the run (%d MiB; limit %d)%n",
                service, last, first == 0 ? 0 : (double) last / first, first, limit);
        System.out.printf("BENCH load_%s_rss_median %d MiB ratio=%.2f vs the first third of the run (%d MiB)%n",
                service, rssLast, rssFirst == 0 ? 0 : (double) rssLast / rssFirst, rssFirst);
        return last > limit ? List.of(service + ": heap after GC grew from " + first + " to " + last + " MiB (limit "
                + limit + ")") : List.of();
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length == 0 ? 0 : v[v.length / 2];
    }

    /** Reads the resident set, and the GC log's events after the {@code seen[index]} already read. */
    private static Sample sample(double at, Process service, Path gcLog, int[] seen, int index) {
        long rss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + service.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            rss = -1;
        }
        long heap = -1;
        try {
            Matcher m = AFTER_GC.matcher(Files.readString(gcLog));
            int event = 0;
            while (m.find()) {
                if (event++ >= seen[index]) {
                    long after = mib(Long.parseLong(m.group(3)), m.group(4));
                    heap = heap < 0 ? after : Math.min(heap, after);
                }
            }
            seen[index] = event;
        } catch (IOException noGcYet) {
            // the JVM writes its GC log from its first collection on
        }
        return new Sample(at, rss, heap);
    }

    private static long mib(long value, String unit) {
        return switch (unit) {
            case "K" -> value / 1024;
            case "G" -> value * 1024;
            default -> value;
        };
    }
}
