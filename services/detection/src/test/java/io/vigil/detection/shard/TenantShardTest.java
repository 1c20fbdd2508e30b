package io.vigil.detection.shard;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantShardTest {

    private final List<String> tenants = IntStream.range(0, 3000).mapToObj(i -> "customer-" + i).toList();

    @Test
    void everyTenantIsOwnedByExactlyOneReplica() {
        for (int count : new int[] {1, 2, 3, 7}) {
            List<TenantShard> replicas = IntStream.range(0, count).mapToObj(o -> new TenantShard(count, o)).toList();
            for (String tenant : tenants) {
                assertEquals(1, replicas.stream().filter(r -> r.owns(tenant)).count(), tenant + " with " + count + " replicas");
            }
        }
    }

    @Test
    void tenantsSpreadEvenlyOverTwoReplicas() {
        long first = tenants.stream().filter(new TenantShard(2, 0)::owns).count();
        assertTrue(first > 1350 && first < 1650, "replica 0 owns " + first + " of 3000");
    }

    @Test
    void ownershipIsStableAcrossInstances() {
        assertEquals(TenantShard.slotOf("a1", 4), TenantShard.slotOf(new String("a1"), 4));
        assertEquals(new TenantShard(2, 1).owns("b2"), new TenantShard(2, 1).owns("b2"));
    }

    @Test
    void ordinalComesFromTheStatefulSetPodName() {
        assertEquals(2, TenantShard.ordinalOf("vigil-detection-2", 3));
        assertEquals(0, TenantShard.ordinalOf("laptop", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TenantShard.ordinalOf("laptop", 2));
        assertTrue(e.getMessage().contains("laptop"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TenantShard(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new TenantShard(0, 0));
    }
}
