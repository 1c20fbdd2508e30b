package io.vigil.detection.cycle;

import io.vigil.detection.customer.Customer;

import java.util.List;

/**
 * One tenant's judged work, what the writer commits for it: its batches (whose marks move), its customer (MSP and
 * networks; null when tenants does not know it) and the gate's decision on each finding of the cycle.
 */
public record TenantVerdicts(TenantBatches batches, Customer customer, List<FindingGate.Decision> decisions) {

    public String tenant() {
        return batches.tenant();
    }
}
