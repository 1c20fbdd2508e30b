package io.vigil.ingest.export.service;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.RejectReason;

/** Decides whether one flow may be stored, and if not, the single reason reported back to the sensor. */
public final class FlowValidator {

    static final int MAX_HISTORY = 32;
    static final int MAX_COMMUNITY_ID = 64;
    /** The highest ConnState number this build knows (and the flows table's enum holds). */
    static final int MAX_CONN_STATE = ConnState.S3_VALUE;

    private FlowValidator() {
    }

    /**
     * @param oldestMs  flows starting before this are older than retention
     * @param newestMs  flows starting or ending after this are in the future
     * @return the reason to reject, or {@code null} to store it
     */
    public static RejectReason check(Flow f, long oldestMs, long newestMs) {
        int version = f.getIpVersion();
        if (version != 4 && version != 6) {
            return RejectReason.BAD_IP_VERSION;
        }
        int addrLength = version == 4 ? 4 : 16;
        if (f.getOrigAddr().size() != addrLength || f.getRespAddr().size() != addrLength) {
            return RejectReason.BAD_ADDRESS_LENGTH;
        }
        if (f.getProtocol() > 255 || f.getIcmpType() > 255 || f.getIcmpCode() > 255) {
            return RejectReason.BAD_PROTOCOL;
        }
        if (f.getOrigPort() > 65535 || f.getRespPort() > 65535
                || (!hasPorts(f.getProtocol()) && (f.getOrigPort() != 0 || f.getRespPort() != 0))) {
            return RejectReason.BAD_PORT;
        }
        long start = f.getStartTimeMs();
        long end = f.getEndTimeMs();
        if (end < start) {
            return RejectReason.END_BEFORE_START;
        }
        if (Long.compareUnsigned(end, newestMs) > 0) {
            return RejectReason.IN_FUTURE;
        }
        if (start < oldestMs) {
            return RejectReason.TOO_OLD;
        }
        if (f.getVlan() > 4095 || f.getIcmpReply() > 0xFFFF || f.getOrigTcpFlags() > 255 || f.getRespTcpFlags() > 255
                || f.getConnStateValue() < 0 || f.getConnStateValue() > MAX_CONN_STATE
                || f.getHistory().length() > MAX_HISTORY || f.getCommunityId().length() > MAX_COMMUNITY_ID) {
            return RejectReason.BAD_FIELD;
        }
        return null;
    }

    /** Protocols whose header carries ports: TCP, UDP, DCCP, SCTP, UDP-Lite. */
    static boolean hasPorts(int protocol) {
        return protocol == 6 || protocol == 17 || protocol == 33 || protocol == 132 || protocol == 136;
    }
}
