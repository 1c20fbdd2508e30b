package io.vigil.portal.browser;

/**
 * Flows of two scans as the sensor meters them and ingest stores them (one batch of one sensor): a vertical scan of 30
 * ports of one host, two of which answer, and a horizontal scan of 30 hosts on 445/tcp that nobody answers.
 */
final class Scans {

    private Scans() {
    }

    static String insert(String tenant, long receivedAt, String vertical, String horizontal) {
        StringBuilder sql = new StringBuilder("INSERT INTO flows (tenant_id, sensor_id, batch_seq, received_at, start,"
                + " start_ms, end_ms, ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, orig_packets, orig_bytes,"
                + " resp_packets, resp_bytes, orig_tcp_flags, resp_tcp_flags, conn_state, history) VALUES ");
        long ms = receivedAt * 1000 - 3000;
        String sep = "";
        for (int port = 1; port <= 30; port++) {
            boolean answered = port == 22 || port == 25;
            sql.append(sep).append(row(tenant, receivedAt, ms + port * 3, vertical, "10.9.9.10", port,
                    answered ? "4,240,3,180,27,27,'SF','ShADadFf'" : "1,44,1,40,2,20,'REJ','Sr'"));
            sep = ",";
        }
        for (int host = 1; host <= 30; host++) {
            sql.append(sep).append(row(tenant, receivedAt, ms + 200 + host * 3, horizontal, "10.9.1." + host, 445,
                    "1,44,0,0,2,0,'S0','S'"));
        }
        return sql.toString();
    }

    private static String row(String tenant, long receivedAt, long startMs, String from, String to, int port, String rest) {
        return "('" + tenant + "','portal-it',1," + receivedAt + ',' + startMs / 1000 + ',' + startMs + ',' + (startMs + 1)
                + ",4," + mapped(from) + ',' + mapped(to) + ",40000," + port + ",6," + rest + ')';
    }

    /** An IPv4 address as the FixedString(16) IPv4-mapped IPv6 bytes ingest stores. */
    private static String mapped(String ip) {
        StringBuilder s = new StringBuilder("'\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\xff\\xff");
        for (String octet : ip.split("\\.")) {
            s.append(String.format("\\x%02x", Integer.parseInt(octet)));
        }
        return s.append('\'').toString();
    }
}
