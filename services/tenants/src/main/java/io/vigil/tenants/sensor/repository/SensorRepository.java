package io.vigil.tenants.sensor.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Scope;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.tenants.sensor.Sensor;
import io.vigil.tenants.sensor.SensorStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Sensors of a customer, restricted to the caller's scope. */
@ApplicationScoped
public class SensorRepository implements PanacheRepositoryBase<Sensor, String> {

    public Uni<List<Sensor>> listVisible(TenantContext ctx, String customerId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return find("from Sensor s where s.customerId = :customer and " + scope.where() + " order by s.id",
                scope.with(Parameters.with("customer", customerId))).list();
    }

    public Uni<Sensor> findVisible(TenantContext ctx, String customerId, String sensorId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return find("from Sensor s where s.id = :id and s.customerId = :customer and " + scope.where(),
                scope.with(Parameters.with("id", sensorId).and("customer", customerId))).firstResult();
    }

    public Uni<Long> countActive(TenantContext ctx, String customerId) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        return count("from Sensor s where s.customerId = :customer and s.status = io.vigil.tenants.sensor.SensorStatus.ACTIVE and "
                + scope.where(), scope.with(Parameters.with("customer", customerId)));
    }

    /** Up to {@code limit} visible sensors of the MSP's customers with ids after {@code afterId}, in id order, of one status or all. */
    public Uni<List<Sensor>> pageOfMsp(TenantContext ctx, String mspId, SensorStatus status, String afterId, int limit) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        StringBuilder q = new StringBuilder("from Sensor s where s.mspId = :msp and ").append(scope.where());
        Parameters p = Parameters.with("msp", mspId);
        if (status != null) {
            q.append(" and s.status = :status");
            p.and("status", status);
        }
        if (afterId != null) {
            q.append(" and s.id > :after");
            p.and("after", afterId);
        }
        return find(q.append(" order by s.id").toString(), scope.with(p)).page(0, limit).list();
    }

    /**
     * Up to {@code limit} sensors of every customer visible to the caller (a service: all) with ids after
     * {@code afterId}, in id order, whatever their status.
     */
    public Uni<List<Sensor>> pageOfAll(TenantContext ctx, String afterId, int limit) {
        Scope scope = Scope.of(ctx, "s.mspId", "s.customerId");
        StringBuilder q = new StringBuilder("from Sensor s where ").append(scope.where());
        Parameters p = new Parameters();
        if (afterId != null) {
            q.append(" and s.id > :after");
            p.and("after", afterId);
        }
        return find(q.append(" order by s.id").toString(), scope.with(p)).page(0, limit).list();
    }
}
