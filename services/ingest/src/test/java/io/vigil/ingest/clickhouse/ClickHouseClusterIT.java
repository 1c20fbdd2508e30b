package io.vigil.ingest.clickhouse;

import com.google.protobuf.ByteString;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vigil.ingest.support.ClusterProfile;
import io.vigil.ingest.support.ExportClient;
import io.vigil.ingest.support.Flows;
import io.vigil.ingest.support.Stack;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.FlowBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ingest in cluster mode against scripts/stack cluster-up (2 shards x 2 replicas, ZooKeeper): one replica of each
 * shard is stopped mid-stream, including the node ingest talks to first, and brought back.
 */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClickHouseClusterIT {

    /** Node names of scripts/stack, in the order of Stack.CLUSTER_URLS: ch-s<shard>r<replica>. */
    private static final List<String> NODES = List.of("ch-s1r1", "ch-s1r2", "ch-s2r1", "ch-s2r2");
    /** One replica of each shard; ch-s1r1 is also the first URL, so ingest has to move to another node. */
    private static final List<String> STOPPED = List.of("ch-s1r1", "ch-s2r1");
    private static final int PER_BATCH = 500;

    @BeforeAll
    static void clusterIsUp() {
        for (String url : Stack.CLUSTER_URLS) {
            try {
                assertEquals("4", Stack.clickhouseAt(url, "SELECT count() FROM system.clusters WHERE cluster = '"
                        + Stack.CLUSTER + "'"));
            } catch (IllegalStateException e) {
                throw new IllegalStateException("the local ClickHouse cluster is not up; run: scripts/stack cluster-up", e);
            }
        }
    }

    @Test
    void theSchemaIsReplicatedOnEveryNodeBehindDistributedTablesOfTheNamesServicesQuery() {
        String engines = "SELECT name, engine FROM system.tables WHERE database = '" + Stack.DATABASE + "'"
                + " AND name IN ('flows', 'flows_local', 'flows_1m', 'flows_1m_local', 'sensor_batches',"
                + " 'sensor_batches_local', 'sensor_status', 'sensor_status_local', 'failed_targets_1h',"
                + " 'failed_targets_1h_local', 'source_flows_1m', 'source_flows_1m_local', 'schema_migrations')"
                + " ORDER BY name FORMAT TSV";
        for (String url : Stack.CLUSTER_URLS) {
            assertEquals(String.join("\n", "failed_targets_1h\tDistributed", "failed_targets_1h_local\tReplicatedAggregatingMergeTree",
                    "flows\tDistributed", "flows_1m\tDistributed",
                    "flows_1m_local\tReplicatedSummingMergeTree", "flows_local\tReplicatedMergeTree",
                    "schema_migrations\tReplicatedReplacingMergeTree", "sensor_batches\tDistributed",
                    "sensor_batches_local\tReplicatedAggregatingMergeTree", "sensor_status\tDistributed",
                    "sensor_status_local\tReplicatedMergeTree", "source_flows_1m\tDistributed",
                    "source_flows_1m_local\tReplicatedSummingMergeTree"), Stack.clickhouseAt(url, engines), url);
            assertEquals(String.valueOf(SchemaMigrator.load().size()),
                    Stack.clickhouseAt(url, "SELECT uniqExact(version) FROM schema_migrations"), url);
            // a roll-up keeps a second INSERT whose roll-up block is identical to an earlier one (ClusterDdl)
            assertEquals("failed_targets_1h_local\nflows_1m_local\nsensor_batches_local\nsource_flows_1m_local", Stack.clickhouseAt(url, "SELECT name FROM system.tables"
                    + " WHERE database = '" + Stack.DATABASE + "' AND like(create_table_query,"
                    + " '%replicated_deduplication_window = 0%') ORDER BY name FORMAT TSV"), url);
        }
    }

    @Test
    void losesNothingWhileAReplicaOfEachShardIsDownAndCountsEveryFlowOnce() throws Exception {
        String marker = Flows.marker();
        long t0 = System.currentTimeMillis() / 1000 - 1;
        // a source address of this run only, so the detection-shaped queries below see this run's flows alone
        byte[] source = {10, (byte) ThreadLocalRandom.current().nextInt(1, 255),
                (byte) ThreadLocalRandom.current().nextInt(1, 255), (byte) ThreadLocalRandom.current().nextInt(1, 255)};
        String sourceText = "::ffff:" + (source[0] & 255) + "." + (source[1] & 255) + "." + (source[2] & 255) + "."
                + (source[3] & 255);
        // the dev realm's a1 and b1, and two more tenants whose sensor clients the test creates in Keycloak
        List<String> clients = List.of("sensor-a1", "sensor-b1", Stack.sensorClient("cl1", "msp-a"),
                Stack.sensorClient("cl2", "msp-b"));
        Map<String, Integer> shardOf = new TreeMap<>();
        for (String client : clients) {
            String tenant = client.substring("sensor-".length());
            shardOf.put(tenant, shardOf(tenant));
        }
        assertEquals(2, shardOf.values().stream().filter(shard -> shard == 0).count(), "two tenants per shard: " + shardOf);

        List<Sensor> sensors = new ArrayList<>();
        try {
            for (String client : clients) {
                sensors.add(new Sensor(client, marker, source));
            }
            rounds(sensors, 4);
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> Stack.stack(
                    prepend("cluster-down", STOPPED)));
            try {
                do {
                    rounds(sensors, 1); // streams on while the replicas stop
                } while (!stop.isDone());
                stop.join();
                Map<String, Long> lastBeforeOutage = new TreeMap<>();
                sensors.forEach(s -> lastBeforeOutage.put(s.tenant, s.sequence));
                rounds(sensors, 4);

                // Queries answer through the surviving replicas. What was acknowledged since the outage began is there;
                // parts a stopped replica took in its last moments (it serves open connections for a while after
                // SIGTERM, with its replication port already closed) are on that replica only until it is back.
                String survivor = Stack.CLUSTER_URLS.get(1);
                for (Sensor s : sensors) {
                    assertEquals(String.valueOf(4 * PER_BATCH), Stack.clickhouseAt(survivor, "SELECT count() FROM flows"
                            + " WHERE community_id = '" + marker + "' AND tenant_id = '" + s.tenant + "' AND batch_seq > "
                            + lastBeforeOutage.get(s.tenant)), s.tenant + ": stored during the outage, readable during it");
                    long visible = Long.parseLong(Stack.clickhouseAt(survivor, "SELECT count() FROM flows WHERE"
                            + " community_id = '" + marker + "' AND tenant_id = '" + s.tenant + "'"));
                    assertTrue(visible <= s.stored, s.tenant + ": never more than was acknowledged");
                    System.out.printf("ClickHouseClusterIT: %s: %d of %d acknowledged flows readable during the outage%n",
                            s.tenant, visible, s.stored);
                }
                for (Sensor s : sensors) {
                    s.reconnect();
                }
                rounds(sensors, 2);
            } finally {
                Stack.stack(prepend("cluster-up", STOPPED));
            }
            rounds(sensors, 3);

            String expected = expected(sensors);
            for (int n = 0; n < NODES.size(); n++) {
                String url = Stack.CLUSTER_URLS.get(n);
                int shard = n / 2;
                String local = sensors.stream().filter(s -> shardOf.get(s.tenant) == shard)
                        .map(s -> s.tenant + ":" + s.stored).sorted().reduce((x, y) -> x + "\n" + y).orElse("");
                awaitEquals(local, () -> Stack.clickhouseAt(url, "SELECT tenant_id, count() FROM flows_local"
                        + " WHERE community_id = '" + marker + "' GROUP BY tenant_id ORDER BY tenant_id FORMAT TSV")
                        .replace('\t', ':'), NODES.get(n) + " caught up with its shard");
                for (Sensor s : sensors) {
                    if (shardOf.get(s.tenant) == shard) {
                        awaitEquals(String.valueOf(s.sequence), () -> Stack.clickhouseAt(url, "SELECT maxMerge(max_seq)"
                                + " FROM sensor_batches_local WHERE tenant_id = '" + s.tenant + "'"),
                                NODES.get(n) + ": the high-water mark of " + s.tenant);
                        awaitEquals(Stack.clickhouseAt(url, "SELECT count() FROM flows_local WHERE tenant_id = '"
                                        + s.tenant + "'"),
                                () -> Stack.clickhouseAt(url, "SELECT sum(flows) FROM flows_1m_local WHERE tenant_id = '"
                                        + s.tenant + "'"), NODES.get(n) + ": the 1-minute roll-up agrees with the flows");
                    }
                }
            }
            // only now: a Distributed read may pick a replica that is still catching up
            for (int n = 0; n < NODES.size(); n++) {
                String url = Stack.CLUSTER_URLS.get(n);
                assertEquals(expected, storedByTenant(url, marker), "through the Distributed table on " + NODES.get(n));
                assertEquals(String.valueOf(sensors.stream().mapToLong(s -> s.sequence - s.first + 1).sum()),
                        Stack.clickhouseAt(url, "SELECT uniqExact(tenant_id, batch_seq) FROM flows WHERE community_id = '"
                                + marker + "'"), "every batch once");
            }

            // what detection reads (services/detection FlowReader): the tenants with flows in a window, the window's
            // flows of a tenant, and the per-minute roll-up of given sources, all through the Distributed tables
            String url = Stack.CLUSTER_URLS.get(0);
            String tenants = Stack.clickhouseAt(url, "SELECT DISTINCT tenant_id FROM flows WHERE received_at >= toDateTime("
                    + t0 + ") AND orig_addr = IPv6StringToNum('" + sourceText + "') ORDER BY tenant_id FORMAT TSV");
            assertEquals(String.join("\n", shardOf.keySet()), tenants);
            for (Sensor s : sensors) {
                String window = Stack.clickhouseAt(url, "SELECT sum(n), count() FROM (SELECT IPv6NumToString(resp_addr) AS dst,"
                        + " resp_port, count() AS n FROM flows WHERE tenant_id = '" + s.tenant + "' AND received_at >="
                        + " toDateTime(" + t0 + ") AND orig_addr = IPv6StringToNum('" + sourceText + "')"
                        + " GROUP BY dst, resp_port) FORMAT TSV");
                assertEquals(s.stored + "\t256", window, "window of " + s.tenant + ": all flows, 256 targets");
                assertEquals(String.valueOf(s.stored), Stack.clickhouseAt(url, "SELECT sum(flows) FROM flows_1m"
                        + " WHERE tenant_id = '" + s.tenant + "' AND minute >= toDateTime(" + (t0 - 120) + ")"
                        + " AND orig_addr IN (IPv6StringToNum('" + sourceText + "'))"), "roll-up of " + s.tenant);
            }
        } finally {
            for (Sensor s : sensors) {
                s.close();
            }
        }
    }

    private static String[] prepend(String command, List<String> nodes) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(nodes);
        return args.toArray(String[]::new);
    }

    /** The shard (0-based) a tenant's rows go to: the Distributed tables' sharding key, as ClickHouse computes it. */
    private static int shardOf(String tenant) {
        return Integer.parseInt(Stack.clickhouseAt(Stack.CLUSTER_URLS.get(0), "SELECT " + ClusterDdl.SHARDING_KEY
                .replace("tenant_id", "'" + tenant + "'") + " % 2"));
    }

    private static String expected(List<Sensor> sensors) {
        return sensors.stream().map(s -> s.tenant + ":" + s.stored).sorted().reduce((x, y) -> x + "\n" + y).orElse("");
    }

    private static String storedByTenant(String url, String marker) {
        return Stack.clickhouseAt(url, "SELECT tenant_id, count() FROM flows WHERE community_id = '" + marker
                + "' GROUP BY tenant_id ORDER BY tenant_id FORMAT TSV").replace('\t', ':');
    }

    private static void awaitEquals(String expected, Supplier<String> actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = actual.get();
            if (expected.equals(last)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertEquals(expected, last, what);
    }

    /** Each sensor sends its next batch, then each awaits that batch's Ack: stored, all flows accepted. */
    private static void rounds(List<Sensor> sensors, int rounds) throws InterruptedException {
        for (int r = 0; r < rounds; r++) {
            for (Sensor s : sensors) {
                s.sendNext();
            }
            for (Sensor s : sensors) {
                s.awaitAck();
            }
        }
    }

    /** A test sensor of one tenant streaming numbered batches. */
    private static final class Sensor implements AutoCloseable {
        final String tenant;
        final String marker;
        final byte[] source;
        final ExportClient client;
        ExportClient.Stream stream;
        final long first;
        long sequence;
        long stored;

        Sensor(String clientId, String marker, byte[] source) throws InterruptedException {
            this.tenant = clientId.substring("sensor-".length());
            this.marker = marker;
            this.source = source;
            this.client = new ExportClient(Stack.clientToken(clientId));
            this.stream = client.open();
            this.sequence = initial(stream);
            this.first = sequence + 1;
        }

        static long initial(ExportClient.Stream stream) throws InterruptedException {
            Ack ack = stream.nextAck(60, TimeUnit.SECONDS);
            assertTrue(ack.getInitial());
            return ack.getSequence();
        }

        FlowBatch batch(long seq) {
            FlowBatch.Builder b = FlowBatch.newBuilder().setSequence(seq);
            for (int i = 0; i < PER_BATCH; i++) {
                b.addFlows(Flows.flow(marker, i).setOrigAddr(ByteString.copyFrom(source)));
            }
            return b.build();
        }

        void sendNext() {
            stream.send(batch(++sequence));
        }

        void awaitAck() throws InterruptedException {
            Ack ack = stream.nextAck(120, TimeUnit.SECONDS);
            assertEquals(sequence, ack.getSequence(), tenant + ": Acks in order");
            assertFalse(ack.getDuplicate(), tenant + ": batch " + sequence + " is new");
            assertEquals(PER_BATCH, ack.getAccepted());
            stored += PER_BATCH;
        }

        /** A new stream resumes after the last stored batch, and a resent batch is not stored again. */
        void reconnect() throws InterruptedException {
            stream = client.open();
            assertEquals(sequence, initial(stream), tenant + ": the high-water mark with a replica of each shard down");
            stream.send(batch(sequence));
            Ack ack = stream.nextAck(60, TimeUnit.SECONDS);
            assertTrue(ack.getDuplicate(), tenant + ": a resent batch is acknowledged as a duplicate");
        }

        @Override
        public void close() throws InterruptedException {
            stream.complete();
            client.close();
        }
    }
}
