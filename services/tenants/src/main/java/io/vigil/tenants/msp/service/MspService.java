package io.vigil.tenants.msp.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.service.AuditLog;
import io.vigil.lib.api.paging.Pages;
import io.vigil.tenants.msp.Msp;
import io.vigil.tenants.msp.repository.MspRepository;
import io.vigil.tenants.msp.rest.MspCreate;
import io.vigil.tenants.msp.rest.MspView;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** MSPs: the scoped list and lookup, and onboarding a new MSP (platform-admin only, audited under the new MSP). */
@ApplicationScoped
public class MspService {

    private final MspRepository msps;
    private final AuditLog audit;

    public MspService(MspRepository msps, AuditLog audit) {
        this.msps = msps;
        this.audit = audit;
    }

    @WithSession
    public Uni<Page<MspView>> list(TenantContext ctx, String cursor, int limit) {
        return msps.page(ctx, Cursor.decode(cursor), limit + 1).map(rows -> Pages.of(rows, limit, MspView::of, m -> m.id));
    }

    @WithSession
    public Uni<MspView> get(TenantContext ctx, String id) {
        return msps.findVisible(ctx, id).onItem().ifNull().failWith(() -> ProblemException.notFound("MSP", id)).map(MspView::of);
    }

    /**
     * The MSP, for a read that spans all its customers: its own MSP people and platform-admin reach it; its customer
     * viewers get 403 ("a customer-viewer cannot read its MSP's {@code what}"), anyone else 404. Call within a session.
     */
    public Uni<Msp> requireWhole(TenantContext ctx, String mspId, String what) {
        try {
            Access.requireMsp(ctx, mspId, what);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return msps.findVisible(ctx, mspId).onItem().ifNull().failWith(() -> ProblemException.notFound("MSP", mspId));
    }

    /** A new MSP; its id must then be given to its people and clients in Keycloak as their msp_id attribute or claim. */
    @WithTransaction
    public Uni<Msp> create(TenantContext ctx, MspCreate body) {
        Access.requireOnboard(ctx);
        Msp m = new Msp();
        m.id = body.id();
        m.name = body.name().strip();
        m.createdAt = Instant.now();
        return msps.persistAndFlush(m).call(saved -> audit.record(ctx, "msp.create", m.id, null, m.id, "name=" + m.name));
    }
}
