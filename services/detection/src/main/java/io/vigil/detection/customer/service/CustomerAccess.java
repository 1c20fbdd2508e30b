package io.vigil.detection.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The scoped customer and MSP checks for endpoints whose own rows carry no MSP (baselines, the summary, audit, MSP rules,
 * notifications): 404 outside scope, 403 for a customer viewer on its own MSP.
 */
@ApplicationScoped
public class CustomerAccess {

    private final CustomerProfileRepository customers;

    public CustomerAccess(CustomerProfileRepository customers) {
        this.customers = customers;
    }

    /**
     * The MSP if the caller reaches all of it: platform-admin (when detection knows a customer of it) and the MSP's own
     * admins and analysts. A customer viewer asking for its own MSP's {@code what} gets 403, as from tenants: it knows
     * the MSP exists. Anyone else gets 404, as for a customer.
     */
    public Uni<String> requireMsp(TenantContext ctx, String mspId, String what) {
        try {
            Access.requireMsp(ctx, mspId, what);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        if (!ctx.global()) {
            return Uni.createFrom().item(mspId);
        }
        return customers.count("mspId", mspId).map(n -> {
            if (n == 0) {
                throw ProblemException.notFound("MSP", mspId);
            }
            return mspId;
        });
    }

    @WithSession
    public Uni<CustomerProfile> requireVisible(TenantContext ctx, String customerId) {
        return customers.findVisible(ctx, customerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", customerId));
    }
}
