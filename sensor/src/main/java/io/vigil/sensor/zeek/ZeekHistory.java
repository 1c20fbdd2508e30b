package io.vigil.sensor.zeek;

/**
 * The per-direction TCP flags a conn.log {@code history} proves. Each letter is a kind of packet a side sent
 * (upper case: the originator, lower case: the responder; letters before a {@code ^} were written before Zeek flipped
 * the connection, so their case names the other side). DESIGN.md, "Zeek conn logs", says what a history cannot tell.
 */
final class ZeekHistory {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private ZeekHistory() {
    }

    /** The originator's flags in bits 0-7, the responder's in bits 8-15. */
    static int flags(String history) {
        int orig = 0;
        int resp = 0;
        boolean flippedLater = false;
        for (int i = history.length() - 1; i >= 0; i--) {
            char c = history.charAt(i);
            if (c == '^') {
                flippedLater = !flippedLater;
                continue;
            }
            int bits = bits(Character.toUpperCase(c));
            if (Character.isUpperCase(c) != flippedLater) {
                orig |= bits;
            } else {
                resp |= bits;
            }
        }
        return orig | resp << 8;
    }

    private static int bits(char letter) {
        return switch (letter) {
            case 'S' -> SYN;
            case 'H' -> SYN | ACK;
            case 'A' -> ACK;
            // Payload. Every established TCP stack sends it with ACK, and with PSH on the last segment of each write,
            // so the packet meter's union for a flow with data has both. Without PSH a data segment would read as a
            // pure ACK, and a lone unanswered one (a TLS record to a server that went away) as an ACK ping.
            case 'D' -> ACK | PSH;
            case 'F' -> FIN;
            case 'R' -> RST;
            // "Inconsistent": FIN and RST together.
            case 'I' -> FIN | RST;
            // SYN with FIN or RST; which one is not recorded.
            case 'Q' -> SYN;
            // Bad checksum, gap, retransmission, zero window, partial analysis: no flag information.
            default -> 0;
        };
    }
}
