package io.vigil.detection.rule.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.rule.Rule;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Rules: the caller's reads through Scope (customer rules, or an MSP's MSP-wide ones); the cycle's by its tenant. */
@ApplicationScoped
public class RuleRepository implements PanacheRepositoryBase<Rule, String> {

    /** {@code customerId} null: the MSP-wide rules of {@code mspId}. */
    public Uni<List<Rule>> list(TenantContext ctx, String mspId, String customerId, Rule.Kind kind) {
        Scope scope = Scope.of(ctx, "r.mspId", "r.customerId");
        Parameters p = Parameters.with("kind", kind).and("msp", mspId);
        String owner = customerId == null ? "r.customerId is null" : "r.customerId = :customer";
        if (customerId != null) {
            p.and("customer", customerId);
        }
        return find("from Rule r where r.kind = :kind and r.mspId = :msp and " + owner + " and " + scope.where()
                + " order by r.seq", scope.with(p)).list();
    }

    public Uni<Rule> findVisible(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, String id) {
        Scope scope = Scope.of(ctx, "r.mspId", "r.customerId");
        Parameters p = Parameters.with("kind", kind).and("msp", mspId).and("id", id);
        String owner = customerId == null ? "r.customerId is null" : "r.customerId = :customer";
        if (customerId != null) {
            p.and("customer", customerId);
        }
        return find("from Rule r where r.id = :id and r.kind = :kind and r.mspId = :msp and " + owner + " and "
                + scope.where(), scope.with(p)).firstResult();
    }

    /** The cycle's rules for a tenant (no caller): its own and its MSP's, unexpired at {@code at}. */
    public Uni<List<Rule>> activeFor(String customerId, String mspId, Instant at) {
        return find("from Rule r where (r.customerId = :customer or (r.customerId is null and r.mspId = :msp))"
                        + " and (r.expiresAt is null or r.expiresAt > :at)",
                Parameters.with("customer", customerId).and("msp", mspId == null ? "" : mspId).and("at", at)).list();
    }
}
