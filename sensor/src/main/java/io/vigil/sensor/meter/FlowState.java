package io.vigil.sensor.meter;

/**
 * Bit layout of a record's STATE long and the per-endpoint TCP state machine, modelled on Zeek's TCP endpoint states
 * so that {@link ConnStates} can apply Zeek's conn_state rules unchanged.
 */
final class FlowState {

    // Endpoint states (Zeek's TCP_ENDPOINT_*).
    static final int INACTIVE = 0;
    static final int SYN_SENT = 1;
    static final int SYN_ACK_SENT = 2;
    static final int PARTIAL = 3;
    static final int ESTABLISHED = 4;
    static final int CLOSED = 5;
    static final int RESET = 6;

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    // STATE long: origFlags 0-7, respFlags 8-15, origEndpoint 16-18, respEndpoint 19-21, origIsA 22.
    private static final int ORIG_EP_SHIFT = 16;
    private static final int RESP_EP_SHIFT = 19;
    static final long ORIG_IS_A = 1L << 22;

    private FlowState() {
    }

    static int origFlags(long s) {
        return (int) (s & 0xff);
    }

    static int respFlags(long s) {
        return (int) ((s >>> 8) & 0xff);
    }

    static int origEndpoint(long s) {
        return (int) ((s >>> ORIG_EP_SHIFT) & 7);
    }

    static int respEndpoint(long s) {
        return (int) ((s >>> RESP_EP_SHIFT) & 7);
    }

    static boolean origIsA(long s) {
        return (s & ORIG_IS_A) != 0;
    }

    /** Applies one TCP segment sent by the originator (or the responder) to the two endpoint states. */
    static long tcp(long s, boolean fromOrig, int flags) {
        int self = fromOrig ? origEndpoint(s) : respEndpoint(s);
        int peer = fromOrig ? respEndpoint(s) : origEndpoint(s);
        if ((flags & RST) != 0) {
            self = RESET;
        } else {
            if ((flags & SYN) != 0 && self == INACTIVE) {
                self = (flags & ACK) != 0 ? SYN_ACK_SENT : SYN_SENT;
            }
            if ((flags & FIN) != 0) {
                if (self != RESET) {
                    self = CLOSED;
                }
            } else if ((flags & SYN) == 0) {
                // A plain ACK or data segment.
                if (self == INACTIVE) {
                    self = PARTIAL;
                } else if (self == SYN_SENT || self == SYN_ACK_SENT) {
                    self = ESTABLISHED;
                }
                if ((flags & ACK) != 0 && (peer == SYN_ACK_SENT || peer == SYN_SENT) && self == ESTABLISHED) {
                    // The third packet of the handshake establishes the side that sent the SYN-ACK too.
                    peer = ESTABLISHED;
                }
            }
        }
        int o = fromOrig ? self : peer;
        int r = fromOrig ? peer : self;
        s &= ~((7L << ORIG_EP_SHIFT) | (7L << RESP_EP_SHIFT));
        s |= ((long) o << ORIG_EP_SHIFT) | ((long) r << RESP_EP_SHIFT);
        s |= fromOrig ? (flags & 0xffL) : ((flags & 0xffL) << 8);
        return s;
    }

    /** True once the TCP connection has ended: both sides closed, or either reset. */
    static boolean tcpFinished(long s) {
        int o = origEndpoint(s);
        int r = respEndpoint(s);
        return o == RESET || r == RESET || (o == CLOSED && r == CLOSED);
    }

    /** True while a TCP attempt is unanswered (Zeek S0). */
    static boolean tcpAttempt(long s) {
        return origEndpoint(s) == SYN_SENT && respEndpoint(s) == INACTIVE;
    }

    /** Resets the per-record counters of a continuation record, keeping the endpoint states and orientation. */
    static long continuation(long s) {
        return s & ~0xffffL;
    }
}
