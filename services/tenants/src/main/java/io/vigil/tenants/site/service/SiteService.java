package io.vigil.tenants.site.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.service.AuditLog;
import io.vigil.lib.api.id.Ids;
import io.vigil.tenants.customer.service.CustomerService;
import io.vigil.tenants.site.Site;
import io.vigil.tenants.site.repository.SiteRepository;
import io.vigil.tenants.site.rest.SiteCreate;
import io.vigil.tenants.site.rest.SiteView;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Sites of a customer; the customer must be visible to the caller before anything about its sites is. */
@ApplicationScoped
public class SiteService {

    private final CustomerService customers;
    private final SiteRepository sites;
    private final AuditLog audit;

    public SiteService(CustomerService customers, SiteRepository sites, AuditLog audit) {
        this.customers = customers;
        this.sites = sites;
        this.audit = audit;
    }

    @WithSession
    public Uni<List<SiteView>> list(TenantContext ctx, String customerId) {
        return customers.require(ctx, customerId)
                .chain(c -> sites.listVisible(ctx, customerId))
                .map(rows -> rows.stream().map(SiteView::of).toList());
    }

    @WithSession
    public Uni<SiteView> get(TenantContext ctx, String customerId, String siteId) {
        return sites.findVisible(ctx, customerId, siteId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("site", siteId))
                .map(SiteView::of);
    }

    @WithTransaction
    public Uni<Site> create(TenantContext ctx, String customerId, SiteCreate body) {
        return customers.require(ctx, customerId).chain(c -> {
            Access.requireManage(ctx, "sites");
            Site s = new Site();
            s.id = Ids.newId("site");
            s.customerId = c.id;
            s.mspId = c.mspId;
            s.name = body.name().strip();
            s.address = body.address();
            s.createdAt = Instant.now();
            return sites.persistAndFlush(s)
                    .call(saved -> audit.record(ctx, "site.create", c.mspId, c.id, s.id, "name=" + s.name));
        });
    }
}
