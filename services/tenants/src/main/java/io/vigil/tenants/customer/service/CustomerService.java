package io.vigil.tenants.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.tenants.audit.service.AuditLog;
import io.vigil.lib.api.id.Ids;
import io.vigil.lib.api.paging.Pages;
import io.vigil.tenants.customer.Customer;
import io.vigil.tenants.customer.CustomerStatus;
import io.vigil.tenants.customer.repository.CustomerRepository;
import io.vigil.tenants.customer.rest.CustomerCreate;
import io.vigil.tenants.customer.rest.CustomerPatch;
import io.vigil.tenants.customer.rest.CustomerView;
import io.vigil.tenants.msp.repository.MspRepository;
import io.vigil.tenants.sensor.repository.SensorRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Customer lifecycle: who may create, change and offboard which customer, and the audit entry for each change. */
@ApplicationScoped
public class CustomerService {

    private final CustomerRepository customers;
    private final MspRepository msps;
    private final SensorRepository sensors;
    private final AuditLog audit;

    public CustomerService(CustomerRepository customers, MspRepository msps, SensorRepository sensors, AuditLog audit) {
        this.customers = customers;
        this.msps = msps;
        this.sensors = sensors;
        this.audit = audit;
    }

    /** A visible customer, or 404 (also when it exists in another tenant's scope). */
    public Uni<Customer> require(TenantContext ctx, String id) {
        return customers.findVisible(ctx, id).onItem().ifNull().failWith(() -> ProblemException.notFound("customer", id));
    }

    @WithSession
    public Uni<CustomerView> get(TenantContext ctx, String id) {
        return require(ctx, id).map(CustomerView::of);
    }

    @WithSession
    public Uni<Page<CustomerView>> list(TenantContext ctx, String cursor, int limit, String mspId, CustomerStatus status, String q) {
        return customers.page(ctx, Cursor.decode(cursor), limit + 1, mspId, status, q)
                .map(rows -> Pages.of(rows, limit, CustomerView::of, c -> c.id));
    }

    @WithTransaction
    public Uni<Customer> create(TenantContext ctx, CustomerCreate body) {
        Access.requireManage(ctx, "customers");
        String mspId;
        if (ctx.global()) {
            if (body.mspId() == null) {
                throw ProblemException.badRequest("mspId: required when a platform-admin creates a customer",
                        List.of(new io.vigil.lib.api.problem.Problem.FieldError("mspId", "required for platform-admin")));
            }
            mspId = body.mspId();
        } else {
            if (body.mspId() != null && !body.mspId().equals(ctx.mspId())) {
                throw ProblemException.forbidden("an msp-admin creates customers only in its own MSP (" + ctx.mspId() + ")");
            }
            mspId = ctx.mspId();
        }
        return msps.findVisible(ctx, mspId)
                .onItem().ifNull().failWith(() -> ProblemException.badRequest("mspId: MSP '" + mspId + "' does not exist"))
                .chain(msp -> {
                    Customer c = new Customer();
                    c.id = Ids.newId("c");
                    c.mspId = msp.id;
                    c.name = body.name().strip();
                    c.internalNetworks = array(body.internalNetworks());
                    c.timeZone = body.timeZone() == null ? "UTC" : body.timeZone();
                    c.retentionDays = body.retentionDays() == null ? 30 : body.retentionDays();
                    c.notificationContacts = array(body.notificationContacts());
                    c.status = CustomerStatus.ACTIVE;
                    c.createdAt = Instant.now();
                    c.updatedAt = c.createdAt;
                    return customers.persistAndFlush(c);
                })
                .call(c -> audit.record(ctx, "customer.create", c.mspId, c.id, c.id, "name=" + c.name));
    }

    /**
     * Changes the fields present. A status change is the lifecycle step it names, whichever endpoint asks: OFFBOARDED is
     * refused while sensors are active and audited as {@code customer.offboard}, exactly as DELETE; SUSPENDED and back
     * to ACTIVE are {@code customer.suspend} and {@code customer.reactivate}. The other fields are {@code customer.update}.
     */
    @WithTransaction
    public Uni<CustomerView> update(TenantContext ctx, String id, CustomerPatch patch) {
        return require(ctx, id).chain(c -> {
            Access.requireManage(ctx, "customers");
            CustomerStatus to = patch.status() == null || patch.status() == c.status ? null : patch.status();
            return (to == CustomerStatus.OFFBOARDED ? requireNoActiveSensors(ctx, c) : Uni.createFrom().voidItem())
                    .chain(() -> {
                        apply(c, patch);
                        if (to != null) {
                            c.status = to;
                        }
                        c.updatedAt = Instant.now();
                        return customers.persistAndFlush(c);
                    })
                    .call(saved -> changed(patch) ? audit.record(ctx, "customer.update", c.mspId, c.id, c.id, describe(patch))
                            : Uni.createFrom().voidItem())
                    .call(saved -> to == null ? Uni.createFrom().voidItem()
                            : audit.record(ctx, STATUS_ACTIONS.get(to), c.mspId, c.id, c.id, to == CustomerStatus.OFFBOARDED ? null : "status=" + to))
                    .map(CustomerView::of);
        });
    }

    /** The audit action of a move to each status. */
    private static final java.util.Map<CustomerStatus, String> STATUS_ACTIONS = java.util.Map.of(
            CustomerStatus.OFFBOARDED, "customer.offboard", CustomerStatus.SUSPENDED, "customer.suspend",
            CustomerStatus.ACTIVE, "customer.reactivate");

    /** Applies the fields other than the status. */
    private static void apply(Customer c, CustomerPatch patch) {
        if (patch.name() != null) {
            c.name = patch.name().strip();
        }
        if (patch.internalNetworks() != null) {
            c.internalNetworks = array(patch.internalNetworks());
        }
        if (patch.timeZone() != null) {
            c.timeZone = patch.timeZone();
        }
        if (patch.retentionDays() != null) {
            c.retentionDays = patch.retentionDays();
        }
        if (patch.notificationContacts() != null) {
            c.notificationContacts = array(patch.notificationContacts());
        }
    }

    private static boolean changed(CustomerPatch patch) {
        return !describe(patch).isEmpty();
    }

    /** The names of the fields other than the status that the patch sets. */
    private static String describe(CustomerPatch patch) {
        StringBuilder changed = new StringBuilder();
        if (patch.name() != null) {
            changed.append("name ");
        }
        if (patch.internalNetworks() != null) {
            changed.append("internalNetworks ");
        }
        if (patch.timeZone() != null) {
            changed.append("timeZone ");
        }
        if (patch.retentionDays() != null) {
            changed.append("retentionDays ");
        }
        if (patch.notificationContacts() != null) {
            changed.append("notificationContacts ");
        }
        return changed.toString().strip();
    }

    /** Offboards (keeps the row and its audit trail); refused while the customer still has active sensors. */
    @WithTransaction
    public Uni<Void> offboard(TenantContext ctx, String id) {
        return require(ctx, id).chain(c -> {
            Access.requireManage(ctx, "customers");
            return requireNoActiveSensors(ctx, c).chain(() -> {
                c.status = CustomerStatus.OFFBOARDED;
                c.updatedAt = Instant.now();
                return customers.persistAndFlush(c)
                        .call(saved -> audit.record(ctx, "customer.offboard", c.mspId, c.id, c.id, null))
                        .replaceWithVoid();
            });
        });
    }

    /** 409 while the customer has active sensors: they would keep sending flows for a customer that is gone. */
    private Uni<Void> requireNoActiveSensors(TenantContext ctx, Customer c) {
        return sensors.countActive(ctx, c.id).invoke(active -> {
            if (active > 0) {
                throw ProblemException.conflict("customer " + c.id + " has " + active + " active sensor(s); revoke them first");
            }
        }).replaceWithVoid();
    }

    private static String[] array(List<String> list) {
        return list == null ? new String[0] : list.stream().map(String::strip).toArray(String[]::new);
    }
}
