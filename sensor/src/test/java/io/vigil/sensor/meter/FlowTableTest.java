package io.vigil.sensor.meter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowTableTest {

    @Test
    void staysConsistentWithAReferenceMapUnderChurn() {
        churn(1000, 3000, 500_000);
    }

    /** A table big enough that its index starts small and doubles several times while flows come and go. */
    @Test
    void staysConsistentWhileItsIndexGrows() {
        churn(100_000, 300_000, 1_500_000);
    }

    private static void churn(int capacity, int keys, int steps) {
        FlowTable table = new FlowTable(capacity);
        Map<Long, Integer> reference = new HashMap<>();
        Random random = new Random(1);
        for (int i = 0; i < steps; i++) {
            long key = random.nextInt(keys);
            int h = FlowTable.hash(0, key, 0, 0, 6L << 32);
            int r = table.find(h, 0, key, 0, 0, 6L << 32);
            Integer expected = reference.get(key);
            assertEquals(expected == null ? -1 : expected, r);
            if (r >= 0 && random.nextBoolean()) {
                table.remove(r);
                reference.remove(key);
            } else if (r < 0 && !table.isFull()) {
                reference.put(key, table.insert(h, 0, key, 0, 0, 6L << 32));
            }
            assertEquals(reference.size(), table.size());
        }
    }

    @Test
    void footprintIsUnderTwoHundredBytesPerFlow() {
        FlowTable table = new FlowTable(1 << 20);
        assertEquals(136, table.footprintBytes() / table.capacity);
    }
}
