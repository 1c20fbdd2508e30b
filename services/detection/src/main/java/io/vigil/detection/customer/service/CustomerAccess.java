package io.vigil.detection.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/** The scoped customer check for endpoints whose own rows carry no MSP (baselines, the summary): 404 outside scope. */
@ApplicationScoped
public class CustomerAccess {

    private final CustomerProfileRepository customers;

    public CustomerAccess(CustomerProfileRepository customers) {
        this.customers = customers;
    }

    @WithSession
    public Uni<CustomerProfile> requireVisible(TenantContext ctx, String customerId) {
        return customers.findVisible(ctx, customerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", customerId));
    }
}
