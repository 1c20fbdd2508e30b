package io.vigil.tenants.idempotency.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.idempotency.IdempotencyRecord;
import jakarta.enterprise.context.ApplicationScoped;

/** Stored first responses of idempotent POSTs, keyed by the calling principal, so a key is never shared across callers. */
@ApplicationScoped
public class IdempotencyRepository implements PanacheRepositoryBase<IdempotencyRecord, IdempotencyRecord.Key> {

    public Uni<IdempotencyRecord> find(TenantContext ctx, String key) {
        return findById(new IdempotencyRecord.Key(ctx.actor(), key));
    }
}
