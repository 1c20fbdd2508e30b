package io.vigil.tenants.internal.rest;

import io.vigil.tenants.customer.Customer;
import io.vigil.tenants.customer.CustomerStatus;

import java.util.List;

/**
 * What other Vigil services need of a customer: which addresses are inside, and how long its flows are kept.
 *
 * @param retentionDays flows older than this many days are dropped and refused
 */
public record InternalCustomerView(String id, String mspId, CustomerStatus status, List<String> internalNetworks,
                                   int retentionDays, String timeZone) {

    public static InternalCustomerView of(Customer c) {
        return new InternalCustomerView(c.id, c.mspId, c.status, List.of(c.internalNetworks), c.retentionDays, c.timeZone);
    }
}
