package io.vigil.tenants.customer.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.customer.Customer;
import io.vigil.tenants.customer.CustomerStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Customers, always restricted to the caller's scope: a customer outside it reads as absent. */
@ApplicationScoped
public class CustomerRepository implements PanacheRepositoryBase<Customer, String> {

    /** The customer, or null when it does not exist or lies outside the caller's scope. */
    public Uni<Customer> findVisible(TenantContext ctx, String id) {
        Scope scope = Scope.of(ctx, "c.mspId", "c.id");
        return find("from Customer c where c.id = :id and " + scope.where(), scope.with(Parameters.with("id", id)))
                .firstResult();
    }

    /**
     * Up to {@code limit} visible customers with ids after {@code afterId}, in id order, filtered by the non-null
     * criteria ({@code nameContains} is case-insensitive).
     */
    public Uni<List<Customer>> page(TenantContext ctx, String afterId, int limit, String mspId, CustomerStatus status,
                                    String nameContains) {
        Scope scope = Scope.of(ctx, "c.mspId", "c.id");
        StringBuilder q = new StringBuilder("from Customer c where ").append(scope.where());
        Parameters p = new Parameters();
        if (afterId != null) {
            q.append(" and c.id > :after");
            p.and("after", afterId);
        }
        if (mspId != null) {
            q.append(" and c.mspId = :msp");
            p.and("msp", mspId);
        }
        if (status != null) {
            q.append(" and c.status = :status");
            p.and("status", status);
        }
        if (nameContains != null) {
            q.append(" and lower(c.name) like :name escape '\\'");
            p.and("name", "%" + nameContains.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        q.append(" order by c.id");
        return find(q.toString(), scope.with(p)).page(0, limit).list();
    }
}
