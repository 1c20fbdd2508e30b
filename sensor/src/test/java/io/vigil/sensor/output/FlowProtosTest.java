package io.vigil.sensor.output;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.meter.MeteredFlow;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowProtosTest {

    /** The direct encoding gives the message's bytes exactly: every field zero or not, with and without optionals. */
    @Test
    void directBytesAreTheMessagesBytes() {
        Random random = new Random(11);
        ConnState[] states = {ConnState.CONN_STATE_UNSPECIFIED, ConnState.S0, ConnState.SF, ConnState.REJ,
            ConnState.OTH};
        String[] texts = {"", "Dd", "ShADadFf", "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "Cé☃", "a\uD800b"};
        for (int i = 0; i < 20_000; i++) {
            boolean v6 = random.nextBoolean();
            byte[] orig = new byte[v6 ? 16 : 4];
            byte[] resp = new byte[v6 ? 16 : 4];
            random.nextBytes(orig);
            random.nextBytes(resp);
            long start = pick(random, 1_700_000_000_000_000L + random.nextInt(1 << 30));
            long end = random.nextInt(4) == 0 ? start - random.nextInt(5000) : start + pick(random, random.nextInt());
            MeteredFlow.Source source = random.nextBoolean() ? null
                    : new MeteredFlow.Source(random.nextBoolean() ? new byte[] {127, 0, 0, 1} : new byte[0],
                    (int) pick(random, random.nextInt(1 << 24)));
            MeteredFlow f = new MeteredFlow(start, end, v6 ? 6 : 4, orig, resp, (int) pick(random, random.nextInt(65536)),
                    (int) pick(random, random.nextInt(65536)), random.nextInt(256), (int) pick(random, random.nextInt(256)),
                    (int) pick(random, random.nextInt(256)), pick(random, random.nextLong() >>> random.nextInt(64)),
                    pick(random, random.nextLong()), pick(random, random.nextInt()), pick(random, 1L << 40),
                    (int) pick(random, random.nextInt(256)), (int) pick(random, random.nextInt(256)),
                    states[random.nextInt(states.length)], texts[random.nextInt(3)], (int) pick(random, random.nextInt(4096)),
                    texts[random.nextInt(texts.length)], (int) pick(random, random.nextInt()),
                    MeteredFlow.ExportReason.IDLE, random.nextInt(3) == 0 ? null : texts[random.nextInt(texts.length)],
                    source);
            byte[] expected = FlowProtos.toProto(f).toByteArray();
            assertEquals(expected.length, FlowProtos.toByteArray(f).length);
            assertArrayEquals(expected, FlowProtos.toByteArray(f), f.toString());
        }
    }

    /** Zero half the time: proto3 leaves zero fields out, and the direct encoding must too. */
    private static long pick(Random random, long value) {
        return random.nextBoolean() ? 0 : value;
    }
}
