package io.vigil.detection.alert.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertComment;
import io.vigil.detection.alert.AlertFilter;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertCommentRepository;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.audit.service.AuditLog;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.notify.service.ChangeNotices;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.paging.Pages;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Alerts for people: lists, detail, acknowledge, resolve and comments, always through the caller's scope. The detection
 * cycle's side (merging findings into alerts) is {@code cycle.AlertWriter}'s.
 */
@ApplicationScoped
public class AlertTriage {

    private final AlertRepository alerts;
    private final CustomerProfileRepository customers;
    private final AlertCommentRepository comments;
    private final AuditLog audit;
    private final CustomerAccess access;
    private final ChangeNotices notices;

    public AlertTriage(AlertRepository alerts, CustomerProfileRepository customers, AlertCommentRepository comments,
                       AuditLog audit, CustomerAccess access, ChangeNotices notices) {
        this.alerts = alerts;
        this.customers = customers;
        this.comments = comments;
        this.audit = audit;
        this.access = access;
        this.notices = notices;
    }

    /** The customer if the caller may see it, else 404 (also for another MSP's customer). */
    private Uni<CustomerProfile> requireCustomer(TenantContext ctx, String customerId) {
        return customers.findVisible(ctx, customerId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("customer", customerId));
    }

    private Uni<Alert> requireAlert(TenantContext ctx, String customerId, String alertId) {
        return requireCustomer(ctx, customerId).chain(c -> alerts.findVisible(ctx, customerId, alertId))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("alert", alertId));
    }

    @WithSession
    public Uni<Page<Alert>> list(TenantContext ctx, String customerId, String cursor, int limit, AlertFilter filter) {
        Long before = before(cursor);
        return requireCustomer(ctx, customerId)
                .chain(c -> alerts.page(ctx, customerId, before, limit + 1, filter)).map(rows -> page(rows, limit));
    }

    /** Every customer's alerts of the MSP, latest activity first; refused unless the caller reaches the whole MSP. */
    @WithSession
    public Uni<Page<Alert>> listOfMsp(TenantContext ctx, String mspId, String cursor, int limit, AlertFilter filter) {
        Long before = before(cursor);
        return access.requireMsp(ctx, mspId, "alerts")
                .chain(m -> alerts.pageOfMsp(ctx, mspId, before, limit + 1, filter)).map(rows -> page(rows, limit));
    }

    /** Pages are keyed by the latest activity, so an alert that sees new flows moves to the top. */
    private static Page<Alert> page(List<Alert> rows, int limit) {
        return Pages.of(rows, limit, Function.identity(), a -> String.valueOf(a.activitySeq));
    }

    private static Long before(String cursor) {
        String key = Cursor.decode(cursor);
        if (key == null) {
            return null;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor: not a cursor this API returned");
        }
    }

    @WithSession
    public Uni<Alert> get(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId);
    }

    /** OPEN → ACKNOWLEDGED (idempotent); a resolved alert cannot be acknowledged (409). */
    @WithTransaction
    public Uni<Alert> acknowledge(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            Access.requireTriage(ctx);
            if (a.status == AlertStatus.RESOLVED) {
                throw ProblemException.conflict("alert " + alertId + " is resolved; it reopens by itself on new activity");
            }
            if (a.status != AlertStatus.OPEN) {
                return Uni.createFrom().item(a);
            }
            a.status = AlertStatus.ACKNOWLEDGED;
            a.acknowledgedBy = ctx.actor();
            a.acknowledgedAt = Instant.now();
            a.updatedAt = a.acknowledgedAt;
            return audit.record(ctx, a.mspId, a.customerId, "alert.acknowledge", a.id, Map.of("from", "OPEN", "to", "ACKNOWLEDGED"))
                    .replaceWith(a);
        });
    }

    /**
     * OPEN or ACKNOWLEDGED → RESOLVED (idempotent: resolving a resolved alert changes and announces nothing). The
     * alert.resolved deliveries of interested destinations are queued in the same transaction, as the cycle queues its
     * changes' deliveries; the caller wakes the delivery worker after the commit.
     */
    @WithTransaction
    public Uni<Alert> resolve(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            Access.requireTriage(ctx);
            if (a.status == AlertStatus.RESOLVED) {
                return Uni.createFrom().item(a);
            }
            String from = a.status.name();
            a.status = AlertStatus.RESOLVED;
            a.resolvedBy = ctx.actor();
            a.resolvedAt = Instant.now();
            a.updatedAt = a.resolvedAt;
            return audit.record(ctx, a.mspId, a.customerId, "alert.resolve", a.id, Map.of("from", from, "to", "RESOLVED"))
                    .call(() -> queueResolved(a))
                    .replaceWith(a);
        });
    }

    private Uni<Integer> queueResolved(Alert a) {
        return Panache.getSession().chain(session -> notices.queue(session,
                List.of(AlertChanged.of(a, AlertChanged.Change.RESOLVED, null)), Set.of(), a.resolvedAt));
    }

    /** Adds a comment (people who may triage); audited. */
    @WithTransaction
    public Uni<AlertComment> comment(TenantContext ctx, String customerId, String alertId, String body) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            Access.requireTriage(ctx);
            AlertComment c = new AlertComment();
            c.alertId = a.id;
            c.customerId = a.customerId;
            c.mspId = a.mspId;
            c.author = ctx.actor();
            c.body = body.trim();
            c.createdAt = Instant.now();
            return comments.persist(c)
                    .call(x -> audit.record(ctx, a.mspId, a.customerId, "alert.comment", a.id, Map.of("comment", c.body)));
        });
    }

    @WithSession
    public Uni<List<AlertComment>> comments(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> comments.of(ctx, customerId, alertId));
    }
}
