package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.ProbeKind;

import java.util.List;
import java.util.Locale;

/** Score, ATT&amp;CK technique and the one-line human summary of a reconnaissance alert. */
public final class Scoring {

    private Scoring() {
    }

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

    /** T1046 (Network Service Discovery) from inside, T1595 (Active Scanning) from outside. */
    public static List<String> mitre(Direction direction) {
        return direction == Direction.LATERAL || direction == Direction.OUTBOUND ? List.of("T1046") : List.of("T1595");
    }

    /**
     * "10.0.0.5 probed 212 hosts on 22/tcp in 40 s; 6 answered"; probes other than the type's usual ones are named
     * ("with ACK probes": a firewall-mapping scan).
     */
    public static String summary(AlertType type, String source, List<String> targets, int targetCount, List<String> services,
                                 int serviceCount, long answered, long firstMs, long lastMs, List<ProbeKind> probes) {
        String span = duration(lastMs - firstMs);
        String ports = serviceCount <= 3 ? String.join(", ", services) : serviceCount + " ports";
        String hosts = targetCount == 1 ? "1 host" : targetCount + " hosts";
        String with = (type == AlertType.VERTICAL || type == AlertType.HORIZONTAL) && probes.contains(ProbeKind.ACK_PING)
                ? " with " + (probes.contains(ProbeKind.SYN) ? "SYN and ACK" : "ACK") + " probes" : "";
        return switch (type) {
            case VERTICAL -> String.format(Locale.ROOT, "%s probed %d ports of %s%s in %s; %d answered", source, serviceCount,
                    targets.isEmpty() ? "?" : targets.get(0), with, span, answered);
            case HOST_SWEEP -> String.format(Locale.ROOT, "%s swept %s (%s) in %s; %d answered", source, hosts,
                    sweepProbes(services), span, answered);
            case STEALTH -> String.format(Locale.ROOT, "%s sent FIN/NULL/Xmas probes to %s on %s in %s; %d answered", source,
                    hosts, ports, span, answered);
            default -> String.format(Locale.ROOT, "%s probed %s on %s%s in %s; %d answered", source, hosts, ports, with, span, answered);
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
