package io.vigil.detection.model;

/**
 * The bytes one source exchanged with one host on one service, summed over its flows (over the new batches, or over a
 * span of the roll-up): what the families that judge volumes read, such as uploads.
 *
 * @param port      the responder port; 0 for ICMP
 * @param bytesOut  IP bytes the source sent
 * @param bytesIn   IP bytes the host sent back
 * @param recent    whether the bytes fall in the family's short window (the last hour) rather than before it
 * @param firstMs   first packet (or the roll-up's first minute), epoch ms
 * @param lastMs    last packet (or the end of the roll-up's last minute), epoch ms
 */
public record Transfer(String source, String host, int port, int protocol, long bytesOut, long bytesIn, boolean recent,
                       long firstMs, long lastMs) {

    public String service() {
        return port + "/" + Attempt.protocolName(protocol);
    }
}
