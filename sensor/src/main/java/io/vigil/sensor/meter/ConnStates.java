package io.vigil.sensor.meter;

import io.vigil.proto.ingest.v1.ConnState;

import static io.vigil.sensor.meter.FlowState.CLOSED;
import static io.vigil.sensor.meter.FlowState.INACTIVE;
import static io.vigil.sensor.meter.FlowState.PARTIAL;
import static io.vigil.sensor.meter.FlowState.RESET;
import static io.vigil.sensor.meter.FlowState.SYN_ACK_SENT;
import static io.vigil.sensor.meter.FlowState.SYN_SENT;
import static io.vigil.sensor.meter.FlowState.ESTABLISHED;

/**
 * Zeek's conn_state, computed from the endpoint states and history exactly as base/protocols/conn/main.zeek does,
 * plus one documented extension: a flow whose responder never answered but whose probe drew an ICMP
 * destination-unreachable is REJ (Zeek would say S0 and log the ICMP separately). See DESIGN.md.
 */
public final class ConnStates {

    private ConnStates() {
    }

    /**
     * @param protocol   IP protocol
     * @param state      the record's STATE long
     * @param history    the record's HISTORY long
     * @param origPkts   packets from the originator
     * @param respPkts   packets from the responder
     * @param icmpReply  (type << 8) | code of an ICMP error that answered the originator, 0 if none
     * @param ipVersion  4 or 6, to read icmpReply's type
     */
    static ConnState of(int protocol, long state, long history, long origPkts, long respPkts, int icmpReply,
                        int ipVersion) {
        if (respPkts == 0 && isUnreachable(icmpReply, ipVersion)) {
            return ConnState.REJ;
        }
        if (protocol == 6) {
            return tcp(FlowState.origEndpoint(state), FlowState.respEndpoint(state), history);
        }
        if (protocol == 17) {
            if (origPkts > 0) {
                return respPkts > 0 ? ConnState.SF : ConnState.S0;
            }
            return respPkts > 0 ? ConnState.SHR : ConnState.OTH;
        }
        return ConnState.OTH;
    }

    /** Destination unreachable: ICMP type 3, ICMPv6 type 1 (any code: port, host, net, admin prohibited...). */
    static boolean isUnreachable(int icmpReply, int ipVersion) {
        if (icmpReply == 0) {
            return false;
        }
        int type = icmpReply >>> 8;
        return ipVersion == 4 ? type == 3 : type == 1;
    }

    static ConnState tcp(int os, int rs, long history) {
        boolean oInactive = os == INACTIVE || os == PARTIAL;
        boolean rInactive = rs == INACTIVE || rs == PARTIAL;
        if (rs == RESET) {
            if (os == SYN_SENT || os == SYN_ACK_SENT
                    || (os == RESET && !History.has(history, History.DATA, true)
                        && !History.has(history, History.DATA, false))) {
                return ConnState.REJ;
            }
            return oInactive ? ConnState.RSTRH : ConnState.RSTR;
        }
        if (os == RESET) {
            if (rInactive) {
                return synThenReset(history) ? ConnState.RSTOS0 : ConnState.OTH;
            }
            return ConnState.RSTO;
        }
        if (rs == CLOSED && os == CLOSED) {
            return ConnState.SF;
        }
        if (os == CLOSED) {
            return rInactive ? ConnState.SH : ConnState.S2;
        }
        if (rs == CLOSED) {
            return oInactive ? ConnState.SHR : ConnState.S3;
        }
        if (os == SYN_SENT && rs == INACTIVE) {
            return ConnState.S0;
        }
        if (os == ESTABLISHED && rs == ESTABLISHED) {
            return ConnState.S1;
        }
        return ConnState.OTH;
    }

    /** Zeek's history pattern {@code ^?S[^HAFGIQ]*R}: the originator's SYN, then its RST before any originator H, A, F or Q. */
    private static boolean synThenReset(long history) {
        if ((history & 0xf) != History.SYN + 1) {
            return false;
        }
        for (long x = history >>> 4; x != 0; x >>>= 4) {
            int code = (int) (x & 0xf);
            if (code == History.RST + 1) {
                return true;
            }
            if (code == History.SYN_ACK + 1 || code == History.ACK + 1 || code == History.FIN + 1
                    || code == History.MULTI + 1) {
                return false;
            }
        }
        return false;
    }
}
