package io.vigil.detection.cycle;

import io.vigil.detection.customer.Customer;

import io.vigil.detection.model.AdminEdge;

import java.util.List;

/**
 * One tenant's judged work, what the writer commits for it: its batches (whose marks move), its customer (MSP and
 * networks; null when tenants does not know it), the gate's decision on each finding of the cycle, and the admin edges
 * its families learned from the batches (remembered with the marks).
 */
public record TenantVerdicts(TenantBatches batches, Customer customer, List<FindingGate.Decision> decisions,
                             List<AdminEdge> learned) {

    /** Verdicts that teach the edge store nothing. */
    public TenantVerdicts(TenantBatches batches, Customer customer, List<FindingGate.Decision> decisions) {
        this(batches, customer, decisions, List.of());
    }

    public String tenant() {
        return batches.tenant();
    }
}
