package io.vigil.tests.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo's workload: each dev sensor (sensor-a1 of customer a1, sensor-b1 of customer b1) streams generated
 * flows to ingest at the same time, with progress on the terminal.
 *
 * <p>Usage: {@code DemoWorkload <ingest host:port> <oidc issuer> <flows per sensor> <sensor client>...}
 */
public final class DemoWorkload {

    private DemoWorkload() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: DemoWorkload <ingest host:port> <oidc issuer> <flows per sensor> <sensor client>...");
            System.exit(2);
        }
        String target = args[0];
        String issuer = args[1];
        long flows = Long.parseLong(args[2]);
        List<String> sensors = List.of(args).subList(3, args.length);
        ExecutorService pool = Executors.newFixedThreadPool(sensors.size());
        List<Future<FlowLoad.Result>> results = new ArrayList<>();
        for (String sensor : sensors) {
            String token = Keycloak.clientToken(issuer, sensor, "dev-" + sensor);
            FlowLoad load = new FlowLoad(target, token, sensor, 2_000);
            long step = Math.max(flows / 4, 1);
            long[] next = {step};
            results.add(pool.submit(() -> load.run(flows, "demo", acked -> {
                if (acked >= next[0]) {
                    System.out.printf("  %-10s %,12d of %,d flows acknowledged%n", sensor, Math.min(acked, flows), flows);
                    next[0] += step;
                }
            })));
        }
        for (Future<FlowLoad.Result> f : results) {
            FlowLoad.Result r = f.get();
            System.out.printf("  %-10s sent %,d flows in %,d batches, %,d stored (%.0f flows/s)%n", r.sensor(),
                    r.flowsSent(), r.batches(), r.flowsAccepted(), r.flowsPerSecond());
        }
        pool.shutdown();
    }
}
