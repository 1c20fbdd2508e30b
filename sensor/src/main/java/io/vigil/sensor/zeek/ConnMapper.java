package io.vigil.sensor.zeek;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.meter.CommunityId;
import io.vigil.sensor.meter.IcmpTypes;
import io.vigil.sensor.meter.MeteredFlow;

import static io.vigil.sensor.zeek.ConnField.COMMUNITY_ID;
import static io.vigil.sensor.zeek.ConnField.CONN_STATE;
import static io.vigil.sensor.zeek.ConnField.DURATION;
import static io.vigil.sensor.zeek.ConnField.HISTORY;
import static io.vigil.sensor.zeek.ConnField.IP_PROTO;
import static io.vigil.sensor.zeek.ConnField.MISSED_BYTES;
import static io.vigil.sensor.zeek.ConnField.ORIG_H;
import static io.vigil.sensor.zeek.ConnField.ORIG_IP_BYTES;
import static io.vigil.sensor.zeek.ConnField.ORIG_P;
import static io.vigil.sensor.zeek.ConnField.ORIG_PKTS;
import static io.vigil.sensor.zeek.ConnField.PROTO;
import static io.vigil.sensor.zeek.ConnField.RESP_H;
import static io.vigil.sensor.zeek.ConnField.RESP_IP_BYTES;
import static io.vigil.sensor.zeek.ConnField.RESP_P;
import static io.vigil.sensor.zeek.ConnField.RESP_PKTS;
import static io.vigil.sensor.zeek.ConnField.TS;
import static io.vigil.sensor.zeek.ConnField.UID;
import static io.vigil.sensor.zeek.ConnField.VLAN;

/**
 * Turns one conn.log record into the flow the sensor would export (sensor/DESIGN.md, "Zeek conn logs", gives the
 * mapping and its limits). A record that cannot be one leaves {@link #reason} and {@link #detail} set instead.
 * One instance per thread (it holds a Community ID hasher).
 */
final class ConnMapper {

    /** Ingest's limit on history, and the longest Zeek uid kept (Zeek's own are 18-22 characters). */
    static final int MAX_TEXT = 32;
    private static final int MAX_COMMUNITY_ID = 64;

    private final CommunityId communityId = new CommunityId();
    Rejects.Reason reason;
    String detail;
    /** The record had missed_bytes above 0: the Zeek sensor lost packets of this connection. */
    boolean missedBytes;

    MeteredFlow map(ConnRecord r) {
        reason = null;
        detail = null;
        missedBytes = false;
        for (ConnField f : ConnField.REQUIRED) {
            if (!r.has(f)) {
                return reject(Rejects.Reason.MISSING_FIELD, f.zeekName);
            }
        }
        long start = ConnValues.micros(r.buf, r.from(TS), r.to(TS));
        if (start == ConnValues.BAD_TIME) {
            return reject(Rejects.Reason.BAD_TIME, "ts " + r.text(TS));
        }
        long duration = 0;
        if (r.has(DURATION)) {
            duration = ConnValues.micros(r.buf, r.from(DURATION), r.to(DURATION));
            if (duration == ConnValues.BAD_TIME) {
                return reject(Rejects.Reason.BAD_TIME, "duration " + r.text(DURATION));
            }
        }
        byte[] orig = ConnValues.address(r.buf, r.from(ORIG_H), r.to(ORIG_H));
        if (orig == null) {
            return reject(Rejects.Reason.BAD_ADDRESS, "id.orig_h " + r.text(ORIG_H));
        }
        byte[] resp = ConnValues.address(r.buf, r.from(RESP_H), r.to(RESP_H));
        if (resp == null) {
            return reject(Rejects.Reason.BAD_ADDRESS, "id.resp_h " + r.text(RESP_H));
        }
        if (orig.length != resp.length) {
            return reject(Rejects.Reason.BAD_ADDRESS, "id.orig_h " + r.text(ORIG_H) + " and id.resp_h "
                    + r.text(RESP_H) + " are of different IP versions");
        }
        int version = orig.length == 4 ? 4 : 6;
        int protocol = protocol(r, version);
        if (protocol < 0) {
            return reject(Rejects.Reason.UNKNOWN_PROTO, "proto " + r.text(PROTO)
                    + (r.has(IP_PROTO) ? ", ip_proto " + r.text(IP_PROTO) : ""));
        }
        long origPort = ConnValues.count(r.buf, r.from(ORIG_P), r.to(ORIG_P));
        long respPort = ConnValues.count(r.buf, r.from(RESP_P), r.to(RESP_P));
        if (origPort < 0 || origPort > 65535 || respPort < 0 || respPort > 65535) {
            return reject(Rejects.Reason.BAD_PORT, "id.orig_p " + r.text(ORIG_P) + ", id.resp_p " + r.text(RESP_P));
        }
        ConnState state = state(r);
        if (state == null) {
            return reject(Rejects.Reason.UNKNOWN_CONN_STATE, r.text(CONN_STATE));
        }
        long origPackets = optionalCount(r, ORIG_PKTS);
        long origBytes = optionalCount(r, ORIG_IP_BYTES);
        long respPackets = optionalCount(r, RESP_PKTS);
        long respBytes = optionalCount(r, RESP_IP_BYTES);
        long missed = optionalCount(r, MISSED_BYTES);
        if (origPackets < 0 || origBytes < 0 || respPackets < 0 || respBytes < 0 || missed < 0) {
            return reject(Rejects.Reason.BAD_COUNT, null);
        }
        missedBytes = missed > 0;

        boolean icmp = protocol == 1 || protocol == 58;
        int icmpType = 0;
        int icmpCode = 0;
        int sport = (int) origPort;
        int dport = (int) respPort;
        if (icmp) {
            // Zeek's ICMP "ports": orig_p is the type; resp_p is the code for a one-way type, and the counterpart's
            // type for a request/reply pair (echo 8 -> 0, timestamp 13 -> 14), whose code is 0.
            if (origPort > 255 || respPort > 255) {
                return reject(Rejects.Reason.BAD_PORT, "ICMP type " + origPort + ", code " + respPort);
            }
            icmpType = sport;
            icmpCode = IcmpTypes.counterpart(protocol, icmpType) == IcmpTypes.NONE ? dport : 0;
            sport = 0;
            dport = 0;
        } else if (protocol != 6 && protocol != 17 && protocol != 132) {
            sport = 0;
            dport = 0;
        }
        String history = r.has(HISTORY) ? r.text(HISTORY) : "";
        if (history.length() > MAX_TEXT) {
            // Zeek repeats some letters (log-scaled retransmissions, gaps); the first 32 hold every kind that matters.
            history = history.substring(0, MAX_TEXT);
        }
        int flags = protocol == 6 ? ZeekHistory.flags(history) : 0;
        String cid = r.has(COMMUNITY_ID) ? r.text(COMMUNITY_ID) : "";
        if (cid.isEmpty() || cid.length() > MAX_COMMUNITY_ID) {
            cid = icmp ? communityId.of(orig, resp, protocol, icmpType, icmpCode)
                    : communityId.of(orig, resp, protocol, sport, dport);
        }
        long vlan = r.has(VLAN) ? ConnValues.count(r.buf, r.from(VLAN), r.to(VLAN)) : 0;
        String uid = r.has(UID) ? r.text(UID) : null;
        if (uid != null && (uid.isEmpty() || uid.length() > MAX_TEXT)) {
            uid = null;
        }
        return new MeteredFlow(start, start + duration, version, orig, resp, sport, dport, protocol, icmpType,
                icmpCode, origPackets, origBytes, respPackets, respBytes, flags & 0xff, flags >>> 8, state, history,
                vlan > 0 && vlan < 4096 ? (int) vlan : 0, cid, 0, MeteredFlow.ExportReason.END, uid, null);
    }

    private MeteredFlow reject(Rejects.Reason why, String what) {
        reason = why;
        detail = what;
        return null;
    }

    /** An unset count is 0 (Zeek leaves them unset without use_conn_size_analyzer); -1 if malformed. */
    private static long optionalCount(ConnRecord r, ConnField f) {
        return r.has(f) ? ConnValues.count(r.buf, r.from(f), r.to(f)) : 0;
    }

    /** The IP protocol number: from ip_proto when Zeek logged it, else from proto; -1 if unknown. */
    private static int protocol(ConnRecord r, int version) {
        if (r.has(IP_PROTO)) {
            long p = ConnValues.count(r.buf, r.from(IP_PROTO), r.to(IP_PROTO));
            if (p >= 0 && p <= 255) {
                return (int) p;
            }
        }
        if (r.is(PROTO, "tcp")) {
            return 6;
        }
        if (r.is(PROTO, "udp")) {
            return 17;
        }
        if (r.is(PROTO, "icmp")) {
            // Zeek names ICMPv6 "icmp" as well.
            return version == 4 ? 1 : 58;
        }
        return -1;
    }

    private static ConnState state(ConnRecord r) {
        int a = r.from(CONN_STATE);
        int length = r.to(CONN_STATE) - a;
        if (length < 2 || length > 6) {
            return null;
        }
        return switch (r.text(CONN_STATE)) {
            case "S0" -> ConnState.S0;
            case "S1" -> ConnState.S1;
            case "SF" -> ConnState.SF;
            case "REJ" -> ConnState.REJ;
            case "S2" -> ConnState.S2;
            case "S3" -> ConnState.S3;
            case "RSTO" -> ConnState.RSTO;
            case "RSTR" -> ConnState.RSTR;
            case "RSTOS0" -> ConnState.RSTOS0;
            case "RSTRH" -> ConnState.RSTRH;
            case "SH" -> ConnState.SH;
            case "SHR" -> ConnState.SHR;
            case "OTH" -> ConnState.OTH;
            default -> null;
        };
    }
}
