package io.vigil.sensor.meter;

/**
 * The active-flow store: a fixed-size slab of flow records in one {@code long[]}, found through an open-addressing
 * index of {@code int}s, so that metering a packet allocates nothing (but for the index growing, a few times in a
 * table's life) and touches a few cache lines.
 *
 * <p>Layout and the reasons for it are in DESIGN.md ("The flow table"). In short: records are {@link #STRIDE} longs
 * and never move, so the meter can hold a record number across calls; the index (linear probing with backward-shift
 * deletion) holds record number + 1 and a 32-bit hash per slot, side by side in one array (a probe costs one cache
 * miss, not one per array), so a probe rarely touches a record that is not the one looked for; a per-record deadline
 * in an {@code int[]} lets the timeout sweep scan 4 bytes per record instead of the slab. The index starts small and
 * doubles as flows arrive, keeping at least two slots per flow, up to twice the capacity (rounded to a power of two):
 * a table sized for a burst but holding far fewer flows then probes an index that stays in the CPU's cache, rather
 * than one spread over megabytes. It does not shrink: its full size is counted in the footprint all along.
 */
final class FlowTable {

    // Record fields (offsets within a record).
    static final int A_HI = 0;
    static final int A_LO = 1;
    static final int B_HI = 2;
    static final int B_LO = 3;
    /** portA | portB << 16 | protocol << 32 | vlan << 40 (0 unless VLAN is part of the key) | (ipVersion == 6) << 52. */
    static final int META = 4;
    static final int FIRST = 5;
    static final int LAST = 6;
    static final int ORIG_PKTS = 7;
    static final int RESP_PKTS = 8;
    static final int ORIG_BYTES = 9;
    static final int RESP_BYTES = 10;
    /** See {@link FlowState}. */
    static final int STATE = 11;
    /** History letters, one 4-bit code each, in order of first appearance; see {@link History}. */
    static final int HISTORY = 12;
    /** icmpReply (16 bits) | first ICMP type << 16 | first ICMP code << 24 | VLAN of the first packet << 32. */
    static final int EXTRA = 13;
    static final int STRIDE = 14;

    /** Slots of a new table's index: 32 KiB, a fraction of the L2 cache. */
    private static final int MIN_SLOTS = 4096;

    /** Deadline value of a free record. */
    static final int FREE = -1;

    final int capacity;
    /** Longs per record: {@link #STRIDE} for the packet meter; the stitcher's records are laid out differently. */
    final int stride;
    final long[] slab;
    /** Per record: the tick at which the sweep must look at it; {@link #FREE} when unused. */
    final int[] deadline;
    /** Per slot, two ints: record number + 1 (0: empty) at {@code 2 * slot}, the key's hash at {@code 2 * slot + 1}. */
    private int[] index;
    /** Slots of the index once grown to its full size. */
    private final int maxSlots;
    private int mask;
    private final int[] freeList;
    private int freeTop;
    private int highWater;
    private int size;
    private int evictCursor;

    FlowTable(int capacity) {
        this(capacity, STRIDE);
    }

    /** A table whose records are {@code stride} longs, the key in the first five as {@link #A_HI}..{@link #META}. */
    FlowTable(int capacity, int stride) {
        if (capacity < 16) {
            throw new IllegalArgumentException("capacity must be at least 16, was " + capacity);
        }
        this.capacity = capacity;
        this.stride = stride;
        this.slab = new long[Math.multiplyExact(capacity, stride)];
        this.deadline = new int[capacity];
        java.util.Arrays.fill(deadline, FREE);
        this.maxSlots = Integer.highestOneBit(Math.multiplyExact(capacity, 2) - 1) << 1;
        int slots = Math.min(maxSlots, MIN_SLOTS);
        this.index = new int[slots * 2];
        this.mask = slots - 1;
        this.freeList = new int[capacity];
    }

    int size() {
        return size;
    }

    /** Records ever handed out; the sweep scans records below this. */
    int highWater() {
        return highWater;
    }

    boolean isFull() {
        return size == capacity;
    }

    /**
     * Bytes held by the table's arrays, the index at its full size (what it grows to as the table fills): the figure
     * the memory-per-flow benchmark divides by capacity.
     */
    long footprintBytes() {
        return (long) slab.length * 8 + (long) deadline.length * 4 + (long) maxSlots * 8 + (long) freeList.length * 4;
    }

    /**
     * The key's 32-bit hash; its low bits pick the index slot. A multiply carries a bit only upwards, so the finish
     * (splitmix64's) brings every bit of the key down to the low ones: with a single shift-multiply-shift, keys that
     * differ only in high bits of a word (the meta's exporter, VLAN or IP version; five exporters sending the same
     * flows) got the same low bits, and linear probing then walked clusters of them.
     */
    static int hash(long aHi, long aLo, long bHi, long bLo, long meta) {
        long h = aHi * 0x9E3779B97F4A7C15L;
        h = (h ^ aLo) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ bHi) * 0x165667B19E3779F9L;
        h = (h ^ bLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ meta) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 30;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 27;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) h;
    }

    /** The record holding this key, or -1. */
    int find(int hash, long aHi, long aLo, long bHi, long bLo, long meta) {
        int i = hash & mask;
        while (true) {
            int r = index[2 * i];
            if (r == 0) {
                return -1;
            }
            if (index[2 * i + 1] == hash) {
                int base = (r - 1) * stride;
                long[] s = slab;
                if (s[base + A_LO] == aLo && s[base + B_LO] == bLo && s[base + META] == meta
                        && s[base + A_HI] == aHi && s[base + B_HI] == bHi) {
                    return r - 1;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Reads the home slot of this hash in the index, what a {@link #find} reads first, and returns the record number
     * + 1 it holds when its hash matches (0 otherwise), for {@link #touchRecord}. Called for a batch of keys before
     * they are looked up, it lets the CPU fetch all their cache lines at once instead of waiting for each miss in
     * turn; it changes nothing.
     */
    int touch(int hash) {
        int i = hash & mask;
        int r = index[2 * i];
        return index[2 * i + 1] == hash ? r : 0;
    }

    /** The record {@link #insert} hands out next when none has been freed since: for {@link #touch}ing it ahead. */
    int nextFree(int ahead) {
        if (ahead < freeTop) {
            return freeList[freeTop - 1 - ahead];
        }
        int r = highWater + ahead - freeTop;
        return r < capacity ? r : -1;
    }

    /**
     * Reads a record's key and its last long (see {@link #touch}): a record spans two or three cache lines, and a
     * lookup reads the first while the update or the zeroing of a new record writes through to the last. Nothing
     * for -1.
     */
    long touchRecord(int r) {
        if (r < 0) {
            return 0;
        }
        int base = r * stride;
        return slab[base + META] + slab[base + stride - 1];
    }

    /** Claims a record for a key known to be absent; the caller must check {@link #isFull()} first. */
    int insert(int hash, long aHi, long aLo, long bHi, long bLo, long meta) {
        if (size >= (mask + 1) >> 1 && mask + 1 < maxSlots) {
            grow();
        }
        int r = freeTop > 0 ? freeList[--freeTop] : highWater++;
        int i = hash & mask;
        while (index[2 * i] != 0) {
            i = (i + 1) & mask;
        }
        index[2 * i] = r + 1;
        index[2 * i + 1] = hash;
        int base = r * stride;
        java.util.Arrays.fill(slab, base, base + stride, 0L);
        slab[base + A_HI] = aHi;
        slab[base + A_LO] = aLo;
        slab[base + B_HI] = bHi;
        slab[base + B_LO] = bLo;
        slab[base + META] = meta;
        deadline[r] = Integer.MAX_VALUE;
        size++;
        return r;
    }

    /**
     * The least recently active of {@code sample} records taken from a rotating cursor, comparing the long at
     * {@code lastOffset} (a last-activity time); any live record if the sample held none. For eviction when full:
     * O(1) without an LRU list in every record (which would cost 8 more bytes per flow and writes on every packet).
     */
    int leastRecent(int sample, int lastOffset) {
        int victim = -1;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < sample; i++) {
            int r = evictCursor;
            evictCursor = evictCursor + 1 >= highWater ? 0 : evictCursor + 1;
            if (deadline[r] == FREE) {
                continue;
            }
            long last = slab[r * stride + lastOffset];
            if (last < oldest) {
                oldest = last;
                victim = r;
            }
        }
        for (int r = 0; victim < 0 && r < highWater; r++) {
            if (deadline[r] != FREE) {
                victim = r;
            }
        }
        return victim;
    }

    /** Doubles the index, placing each entry again from its kept hash (no record is read). */
    private void grow() {
        int[] old = index;
        int slots = (mask + 1) << 1;
        int[] grown = new int[slots * 2];
        int m = slots - 1;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != 0) {
                int j = old[i + 1] & m;
                while (grown[2 * j] != 0) {
                    j = (j + 1) & m;
                }
                grown[2 * j] = old[i];
                grown[2 * j + 1] = old[i + 1];
            }
        }
        index = grown;
        mask = m;
    }

    /** The hash of the key record {@code r} holds. */
    int hashOf(int r) {
        int base = r * stride;
        return hash(slab[base + A_HI], slab[base + A_LO], slab[base + B_HI], slab[base + B_LO], slab[base + META]);
    }

    /** Frees a record; its slab contents stay readable until the record is reused. */
    void remove(int r) {
        remove(r, hashOf(r));
    }

    /** {@link #remove} when the caller already has the record's key hash ({@link #hashOf}). */
    void remove(int r, int hash) {
        int i = hash & mask;
        while (index[2 * i] != r + 1) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps probe chains intact without tombstones, so lookups never slow down with churn.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (index[2 * j] == 0) {
                break;
            }
            int home = index[2 * j + 1] & mask;
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                index[2 * i] = index[2 * j];
                index[2 * i + 1] = index[2 * j + 1];
                i = j;
            }
        }
        index[2 * i] = 0;
        deadline[r] = FREE;
        freeList[freeTop++] = r;
        size--;
    }
}
