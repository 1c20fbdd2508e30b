package io.vigil.sensor.meter;

/**
 * Zeek's connection history letters, kept as a sequence of 4-bit codes in one long so a record needs no string.
 *
 * <p>Each letter is recorded once per direction, in order of first appearance (uppercase: originator). The 14
 * possible letters bound the string at 14 characters, inside the contract's 32.
 */
final class History {

    static final int SYN = 0;      // S: SYN without ACK
    static final int SYN_ACK = 1;  // H: SYN with ACK ("handshake")
    static final int ACK = 2;      // A: pure ACK
    static final int DATA = 3;     // D: payload
    static final int FIN = 4;      // F
    static final int RST = 5;      // R
    static final int MULTI = 6;    // Q: more than one of SYN/FIN/RST

    private static final String ORIG_LETTERS = "SHADFRQ";
    private static final String RESP_LETTERS = "shadfrq";
    private static final int MAX_LETTERS = 14;

    private History() {
    }

    /** Adds a letter unless this direction already has it. */
    static long add(long h, int letter, boolean fromOrig) {
        int code = letter + (fromOrig ? 1 : 8);
        long x = h;
        int n = 0;
        while (x != 0) {
            if ((x & 0xf) == code) {
                return h;
            }
            x >>>= 4;
            n++;
        }
        return n >= MAX_LETTERS ? h : h | ((long) code << (4 * n));
    }

    /** The letters a TCP segment contributes, following Zeek's update_history. */
    static long tcp(long h, boolean fromOrig, int flags, int payload) {
        int bits = Integer.bitCount(flags & (FlowState.SYN | FlowState.FIN | FlowState.RST));
        if (bits > 1) {
            h = add(h, MULTI, fromOrig);
        } else if (bits == 1) {
            if ((flags & FlowState.SYN) != 0) {
                h = add(h, (flags & FlowState.ACK) != 0 ? SYN_ACK : SYN, fromOrig);
            } else if ((flags & FlowState.FIN) != 0) {
                h = add(h, FIN, fromOrig);
            } else {
                h = add(h, RST, fromOrig);
            }
        } else if ((flags & FlowState.ACK) != 0 && payload == 0) {
            h = add(h, ACK, fromOrig);
        }
        if (payload > 0) {
            h = add(h, DATA, fromOrig);
        }
        return h;
    }

    static boolean has(long h, int letter, boolean orig) {
        int code = letter + (orig ? 1 : 8);
        for (long x = h; x != 0; x >>>= 4) {
            if ((x & 0xf) == code) {
                return true;
            }
        }
        return false;
    }

    static String toString(long h) {
        StringBuilder sb = new StringBuilder(MAX_LETTERS);
        for (long x = h; x != 0; x >>>= 4) {
            int code = (int) (x & 0xf);
            sb.append(code <= 7 ? ORIG_LETTERS.charAt(code - 1) : RESP_LETTERS.charAt(code - 8));
        }
        return sb.toString();
    }
}
