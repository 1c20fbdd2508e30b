package io.vigil.detection.model;

/**
 * One source's attempts at one target (host, port, protocol) during the analysed period, summed over its flows.
 *
 * @param port     the responder port; 0 for ICMP
 * @param failed   flows that got no answer, a RST/REJ or an ICMP error
 * @param answered flows the target answered (SYN-ACK, echo reply) without any application data: probes that hit
 * @param firstMs  first packet of the first flow, epoch ms
 * @param lastMs   last packet of the last flow, epoch ms
 */
public record Attempt(String source, String host, int port, int protocol, ProbeKind kind,
                      long flows, long failed, long answered, long firstMs, long lastMs) {

    /** How the attempt counts: a real session anywhere in it makes it a success. */
    public Outcome outcome() {
        if (flows - failed - answered > 0) {
            return Outcome.SUCCESS;
        }
        return failed > 0 ? Outcome.FAILED : Outcome.ANSWERED;
    }

    /** A probe is scan evidence: a failed attempt, or an answered one that carried no data. */
    public boolean probe() {
        return kind != ProbeKind.OTHER && outcome() != Outcome.SUCCESS;
    }

    public String service() {
        return port + "/" + protocolName(protocol);
    }

    public static String protocolName(int protocol) {
        return switch (protocol) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 58 -> "icmp6";
            default -> String.valueOf(protocol);
        };
    }

    /** How one attempt counts as an observation of the sequential test. */
    public enum Outcome {
        /** No answer, refused, or ICMP error: evidence for scanning. */
        FAILED,
        /** The target answered positively but nothing was exchanged: a success for TRW, still a probed target. */
        ANSWERED,
        /** A session that carried data. */
        SUCCESS
    }
}
