package io.vigil.detection.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.lib.api.auth.Role;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

/** The scoped customer and MSP checks for endpoints whose own rows carry no MSP (baselines, the summary, audit, MSP rules): 404 outside scope. */
@ApplicationScoped
public class CustomerAccess {

    private final CustomerProfileRepository customers;

    public CustomerAccess(CustomerProfileRepository customers) {
        this.customers = customers;
    }

    /**
     * The MSP if the caller reaches all of it (platform-admin, the MSP's own admins and analysts) and detection knows a
     * customer of it; else 404, as for a customer.
     */
    public Uni<String> requireMsp(TenantContext ctx, String mspId) {
        boolean reaches = ctx.global() || (ctx.role().reach() == Role.Reach.MSP && mspId.equals(ctx.mspId()));
        if (!reaches) {
            return Uni.createFrom().failure(ProblemException.notFound("msp", mspId));
        }
        return customers.count("mspId", mspId).map(n -> {
            if (n == 0) {
                throw ProblemException.notFound("msp", mspId);
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
