package io.vigil.ingest.export.service;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.RejectReason;

/** Decides whether one flow may be stored, and if not, the single reason reported back to the sensor. */
public final class FlowValidator {

    static final int MAX_HISTORY = 32;
    static final int MAX_COMMUNITY_ID = 64;
    /** Zeek's uids are 18 characters today ("C" and base62); ingest.proto promises at most 32. */
    static final int MAX_ZEEK_UID = 32;
    /** The highest ConnState number this build knows (and the flows table's enum holds). */
    static final int MAX_CONN_STATE = ConnState.S3_VALUE;

    private FlowValidator() {
    }

    /**
     * @param oldestMs flows starting before this are older than retention
     * @param newestMs flows ending after this are in the future
     * @return the reason to reject, or {@code null} to store it
     */
    public static RejectReason check(FlowFields f, long oldestMs, long newestMs) {
        if (f.ipVersion != 4 && f.ipVersion != 6) {
            return RejectReason.BAD_IP_VERSION;
        }
        int addrLength = f.ipVersion == 4 ? 4 : 16;
        if (f.origAddrLength != addrLength || f.respAddrLength != addrLength) {
            return RejectReason.BAD_ADDRESS_LENGTH;
        }
        if (f.protocol > 255 || f.icmpType > 255 || f.icmpCode > 255) {
            return RejectReason.BAD_PROTOCOL;
        }
        if (f.origPort > 65535 || f.respPort > 65535
                || (!hasPorts(f.protocol) && (f.origPort != 0 || f.respPort != 0))) {
            return RejectReason.BAD_PORT;
        }
        if (Long.compareUnsigned(f.endTimeMs, f.startTimeMs) < 0) {
            return RejectReason.END_BEFORE_START;
        }
        if (Long.compareUnsigned(f.endTimeMs, newestMs) > 0) {
            return RejectReason.IN_FUTURE;
        }
        if (Long.compareUnsigned(f.startTimeMs, oldestMs) < 0) {
            return RejectReason.TOO_OLD;
        }
        if (f.vlan > 4095 || f.icmpReply > 0xFFFF || f.origTcpFlags > 255 || f.respTcpFlags > 255
                || f.connState < 0 || f.connState > MAX_CONN_STATE
                || f.historyLength > MAX_HISTORY || f.communityIdLength > MAX_COMMUNITY_ID
                || !f.printableAscii(f.historyOffset, f.historyLength)
                || !f.printableAscii(f.communityIdOffset, f.communityIdLength)
                || f.zeekUidLength > MAX_ZEEK_UID || !f.printableAscii(f.zeekUidOffset, f.zeekUidLength)
                || (f.exporterAddrLength != 0 && f.exporterAddrLength != 4 && f.exporterAddrLength != 16)
                || f.samplingRate > 0xFFFF_FFFFL) {
            return RejectReason.BAD_FIELD;
        }
        return null;
    }

    /** Protocols whose header carries ports: TCP, UDP, DCCP, SCTP, UDP-Lite. */
    static boolean hasPorts(long protocol) {
        return protocol == 6 || protocol == 17 || protocol == 33 || protocol == 132 || protocol == 136;
    }
}
