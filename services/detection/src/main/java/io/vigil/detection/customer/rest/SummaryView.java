package io.vigil.detection.customer.rest;

import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;

import java.util.List;
import java.util.Map;

/**
 * A customer at a glance: its {@link CustomerFigures} and its internal networks.
 *
 * @param openAlerts        alerts not resolved (OPEN or ACKNOWLEDGED)
 * @param open              per (type, severity) with at least one unresolved alert
 * @param baselines         internal hosts per baseline state
 * @param networksFrom      where the internal networks came from: TENANTS, LAST_KNOWN (tenants down) or TABLE
 */
public record SummaryView(String customerId, String mspId, long openAlerts, long acknowledgedAlerts,
                          Map<AlertFamily, Long> openByFamily, Map<AlertType, Long> openByType, Map<Severity, Long> openBySeverity,
                          List<CustomerFigures.Bucket> open, Map<HostBaseline.State, Long> baselines,
                          List<String> internalNetworks, Customer.Origin networksFrom) {

    static SummaryView of(CustomerFigures f, Customer c) {
        return new SummaryView(f.customerId(), f.mspId(), f.openAlerts(), f.acknowledgedAlerts(), f.openByFamily(), f.openByType(),
                f.openBySeverity(), f.open(), f.baselines(), c.internalNetworks(), c.origin());
    }
}
