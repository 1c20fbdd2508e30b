package io.vigil.sensor.zeek;

import java.nio.charset.StandardCharsets;

/** The conn.log columns the mapping reads, by their Zeek names; every other column of a record is skipped. */
enum ConnField {
    TS("ts"),
    UID("uid"),
    ORIG_H("id.orig_h"),
    ORIG_P("id.orig_p"),
    RESP_H("id.resp_h"),
    RESP_P("id.resp_p"),
    PROTO("proto"),
    DURATION("duration"),
    CONN_STATE("conn_state"),
    MISSED_BYTES("missed_bytes"),
    HISTORY("history"),
    ORIG_PKTS("orig_pkts"),
    ORIG_IP_BYTES("orig_ip_bytes"),
    RESP_PKTS("resp_pkts"),
    RESP_IP_BYTES("resp_ip_bytes"),
    /** Logged by policy/protocols/conn/community-id-logging (Security Onion and Corelight turn it on). */
    COMMUNITY_ID("community_id"),
    /** Logged by policy/protocols/conn/vlan-logging. */
    VLAN("vlan"),
    /** The IP protocol number, logged by newer Zeek; tells what "unknown_transport" was. */
    IP_PROTO("ip_proto");

    /** Without these a record cannot become a flow, so a TSV header that lacks one is refused. */
    static final ConnField[] REQUIRED = {TS, ORIG_H, ORIG_P, RESP_H, RESP_P, PROTO, CONN_STATE};

    private static final ConnField[] ALL = values();

    final String zeekName;
    private final byte[] name;

    ConnField(String zeekName) {
        this.zeekName = zeekName;
        this.name = zeekName.getBytes(StandardCharsets.US_ASCII);
    }

    /** The field named by the bytes {@code [from, to)}, or null for a column the mapping does not read. */
    static ConnField named(byte[] b, int from, int to) {
        int length = to - from;
        for (ConnField f : ALL) {
            byte[] n = f.name;
            if (n.length == length && n[0] == b[from] && n[length - 1] == b[to - 1]
                    && java.util.Arrays.equals(n, 0, length, b, from, to)) {
                return f;
            }
        }
        return null;
    }
}
