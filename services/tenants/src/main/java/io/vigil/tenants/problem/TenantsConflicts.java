package io.vigil.tenants.problem;

import io.vigil.lib.api.problem.ConflictDetails;
import jakarta.enterprise.context.ApplicationScoped;

/** What each of the tenants schema's unique constraints means to a caller who hit it (409 detail). */
@ApplicationScoped
public class TenantsConflicts implements ConflictDetails {

    @Override
    public String detail(String constraint) {
        return switch (constraint) {
            case "msps_pkey" -> "an MSP with this id already exists";
            case "customers_msp_name_key" -> "this MSP already has a customer with that name";
            case "sites_customer_name_key" -> "this customer already has a site with that name";
            case "idempotency_keys_pkey" -> "a request with this Idempotency-Key is in progress; retry it";
            default -> null;
        };
    }
}
