package io.vigil.detection.scan;

import java.util.List;
import java.util.Locale;

/** Severity, score, ATT&CK technique and the one-line human summary of a finding. */
public final class Scoring {

    private Scoring() {
    }

    public enum Severity { LOW, MEDIUM, HIGH, CRITICAL }

    /**
     * 0–100. Direction sets the base (lateral reconnaissance is the strongest sign of an intruder inside; scans from
     * the internet are constant background), breadth adds up to 30, and answered probes (the scanner found live
     * services) add 10.
     */
    public static int score(Direction direction, int targets, int services, long answered) {
        int base = switch (direction) {
            case LATERAL -> 60;
            case OUTBOUND -> 50;
            case INBOUND -> 30;
            case EXTERNAL -> 20;
        };
        int breadth = (int) Math.min(30, Math.round(10 * Math.log10(Math.max(1, targets + services))));
        return Math.min(100, base + breadth + (answered > 0 ? 10 : 0));
    }

    public static Severity severity(int score) {
        return score >= 85 ? Severity.CRITICAL : score >= 60 ? Severity.HIGH : score >= 40 ? Severity.MEDIUM : Severity.LOW;
    }

    /** T1046 (Network Service Discovery) from inside, T1595 (Active Scanning) from outside. */
    public static List<String> mitre(Direction direction) {
        return direction == Direction.LATERAL || direction == Direction.OUTBOUND ? List.of("T1046") : List.of("T1595");
    }

    /** "10.0.0.5 probed 212 hosts on 22/tcp in 40 s; 6 answered". */
    public static String summary(ScanType type, String source, List<String> targets, int targetCount, List<String> services,
                                 int serviceCount, long answered, long firstMs, long lastMs) {
        String span = duration(lastMs - firstMs);
        String ports = serviceCount <= 3 ? String.join(", ", services) : serviceCount + " ports";
        String hosts = targetCount == 1 ? "1 host" : targetCount + " hosts";
        return switch (type) {
            case VERTICAL -> String.format(Locale.ROOT, "%s probed %d ports of %s in %s; %d answered", source, serviceCount,
                    targets.isEmpty() ? "?" : targets.get(0), span, answered);
            case HOST_SWEEP -> String.format(Locale.ROOT, "%s swept %s (%s) in %s; %d answered", source, hosts,
                    sweepProbes(services), span, answered);
            case STEALTH -> String.format(Locale.ROOT, "%s sent FIN/NULL/Xmas probes to %s on %s in %s; %d answered", source,
                    hosts, ports, span, answered);
            default -> String.format(Locale.ROOT, "%s probed %s on %s in %s; %d answered", source, hosts, ports, span, answered);
        };
    }

    /** "8 sources probed 24 hosts of 10.78.0.0/24 on 23/tcp in 3.1 s; 0 answered", from the key "23/tcp 10.78.0.0/24". */
    public static String distributedSummary(String key, int sourceCount, int targetCount, long answered, long firstMs, long lastMs) {
        int space = key.indexOf(' ');
        return String.format(Locale.ROOT, "%d sources probed %s of %s on %s in %s; %d answered", sourceCount,
                targetCount == 1 ? "1 host" : targetCount + " hosts", key.substring(space + 1), key.substring(0, space),
                duration(lastMs - firstMs), answered);
    }

    private static String sweepProbes(List<String> services) {
        boolean ack = services.stream().anyMatch(s -> s.endsWith("/tcp"));
        boolean echo = services.stream().anyMatch(s -> !s.endsWith("/tcp"));
        return ack && echo ? "ICMP echo and ACK ping" : ack ? "ACK ping" : "ICMP echo";
    }

    static String duration(long ms) {
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 120_000) {
            return (ms / 1000) + " s";
        }
        if (ms < 7_200_000) {
            return (ms / 60_000) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
    }
}
