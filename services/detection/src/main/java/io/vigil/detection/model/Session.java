package io.vigil.detection.model;

/**
 * One source's TCP sessions with one service of one host, summed over its flows (over a minute of the roll-up, or over
 * the new batches): what the families that judge connections rather than probes read, such as admin logins.
 *
 * @param port      the responder port
 * @param flows     flows, answered or not
 * @param withData  flows in which the responder sent data beyond its TCP headers (a service that spoke:
 *                  {@code FlowSql.RESPONDER_DATA}, or in the roll-up {@code ROLLUP_RESPONDER_DATA})
 * @param origBytes IP bytes the source sent, summed
 * @param packets   packets both ways, summed
 * @param firstMs   first packet (or the roll-up's minute), epoch ms
 * @param lastMs    last packet (or the end of the roll-up's minute), epoch ms
 */
public record Session(String source, String host, int port, long flows, long withData, long origBytes, long packets,
                      long firstMs, long lastMs) {

    public String service() {
        return port + "/tcp";
    }
}
