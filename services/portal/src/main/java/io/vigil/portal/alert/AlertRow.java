package io.vigil.portal.alert;

import io.vigil.portal.api.Alert;
import io.vigil.portal.api.Customer;

/** An alert with the customer it belongs to, as the lists show it. */
public record AlertRow(Customer customer, Alert alert) {

    /** The bulk form's value for this alert. */
    public String key() {
        return customer.id() + "/" + alert.id();
    }
}
