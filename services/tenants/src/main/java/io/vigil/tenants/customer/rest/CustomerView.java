package io.vigil.tenants.customer.rest;

import io.vigil.tenants.customer.Customer;
import io.vigil.tenants.customer.CustomerStatus;

import java.time.Instant;
import java.util.List;

/** A customer as the API shows it. */
public record CustomerView(String id, String mspId, String name, List<String> internalNetworks, String timeZone,
                           int retentionDays, List<String> notificationContacts, CustomerStatus status,
                           Instant createdAt, Instant updatedAt) {

    public static CustomerView of(Customer c) {
        return new CustomerView(c.id, c.mspId, c.name, List.of(c.internalNetworks), c.timeZone, c.retentionDays,
                List.of(c.notificationContacts), c.status, c.createdAt, c.updatedAt);
    }
}
