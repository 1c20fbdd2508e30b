package io.vigil.detection.rule.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.rule.Rule;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

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

    /**
     * The cycle's rules for many tenants at once (no caller): their own and their MSPs' MSP-wide ones, unexpired at
     * {@code at}; the cycle sorts them out per tenant.
     */
    public Uni<List<Rule>> activeFor(Collection<String> customerIds, Collection<String> mspIds, Instant at) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("from Rule r where (r.customerId in :customers or (r.customerId is null and r.mspId in :msps))"
                        + " and (r.expiresAt is null or r.expiresAt > :at) order by r.seq",
                Parameters.with("customers", customerIds).and("msps", mspIds.isEmpty() ? List.of("") : mspIds).and("at", at)).list();
    }

    /** Counts the findings each rule dropped in a cycle ({@code hits}, {@code lastHitAt}), in the caller's transaction. */
    public Uni<Void> recordHits(Map<String, Long> hits, Instant at) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Long> h : hits.entrySet()) {
            chain = chain.chain(x -> update("hits = hits + ?1, lastHitAt = ?2 where id = ?3", h.getValue(), at, h.getKey())
                    .replaceWithVoid());
        }
        return chain;
    }
}
