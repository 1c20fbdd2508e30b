package io.vigil.tenants.sensor.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.sensor.EnrollmentToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/** Enrollment tokens by hash; the lookup by hash is the credential check that yields an enrolling sensor's scope. */
@ApplicationScoped
public class EnrollmentTokenRepository implements PanacheRepositoryBase<EnrollmentToken, String> {

    /**
     * The token row for a presented token's hash, locked until the transaction ends, so two concurrent redemptions of
     * one token serialize and only the first succeeds. The only unscoped query: knowing the token is the authority.
     */
    public Uni<EnrollmentToken> findForRedemption(String tokenHash) {
        return findById(tokenHash, LockModeType.PESSIMISTIC_WRITE);
    }

    /** Deletes the unused tokens of a sensor (on revoke), within the caller's scope. */
    public Uni<Long> deleteUnused(TenantContext ctx, String sensorId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return delete("usedAt is null and sensorId in (select s.id from Sensor s where s.id = :sensor and " + scope.where() + ")",
                scope.with(Parameters.with("sensor", sensorId)));
    }
}
