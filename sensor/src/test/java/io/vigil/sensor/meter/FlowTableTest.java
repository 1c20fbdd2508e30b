package io.vigil.sensor.meter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Keys that differ only in the meta's high bits (the stitcher's exporter index, from bit 53) still land in
     * different slots: the low bits of their hashes differ.
     */
    @Test
    void highKeyBitsReachTheSlotBits() {
        java.util.Set<Integer> slots = new java.util.HashSet<>();
        for (long exporter = 1; exporter <= 256; exporter++) {
            slots.add(FlowTable.hash(0, 0x0000_ffff_0a00_0001L, 0, 0x0000_ffff_0a00_0002L, 443L << 16 | 6L << 32
                    | exporter << 53) & 0xffff);
        }
        assertTrue(slots.size() > 250, "256 exporters' copies of one flow took " + slots.size() + " of 65,536 slots");
    }

    /**
     * The read-ahead helpers tell what the lookups and inserts will use: {@code touch} names the record a hash's home
     * slot holds (0 when another hash is there), and {@code nextFree} the records inserts hand out next, freed ones
     * (last freed first) before the untouched end.
     */
    @Test
    void readAheadNamesTheRecordsThatLookupsAndInsertsUse() {
        FlowTable table = new FlowTable(64);
        int h = FlowTable.hash(0, 1, 0, 2, 6L << 32);
        assertEquals(0, table.touch(h));
        assertEquals(0, table.nextFree(0));
        assertEquals(1, table.nextFree(1));
        int r = table.insert(h, 0, 1, 0, 2, 6L << 32);
        assertEquals(r + 1, table.touch(h));
        assertEquals(h, table.hashOf(r));
        assertEquals(0, table.touch(h ^ 1 << 31), "same slot bits, another hash");
        assertEquals(1, table.nextFree(0));
        int[] taken = new int[5];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = table.insert(FlowTable.hash(0, 10 + i, 0, 2, 6L << 32), 0, 10 + i, 0, 2, 6L << 32);
        }
        table.remove(taken[1]);
        table.remove(taken[3]);
        int[] expected = {taken[3], taken[1], 6, 7};
        for (int ahead = 0; ahead < expected.length; ahead++) {
            assertEquals(expected[ahead], table.nextFree(ahead));
        }
        for (int ahead = 0; ahead < expected.length; ahead++) {
            assertEquals(expected[ahead], table.insert(FlowTable.hash(0, 100 + ahead, 0, 2, 6L << 32), 0, 100 + ahead,
                    0, 2, 6L << 32));
        }
        assertEquals(-1, new FlowTable(16).nextFree(16));
    }

    @Test
    void footprintIsUnderTwoHundredBytesPerFlow() {
        FlowTable table = new FlowTable(1 << 20);
        assertEquals(136, table.footprintBytes() / table.capacity);
    }
}
