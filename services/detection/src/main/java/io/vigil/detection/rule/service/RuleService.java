package io.vigil.detection.rule.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.detection.audit.service.AuditLog;
import io.vigil.lib.api.auth.Role;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.rule.Breadth;
import io.vigil.detection.rule.Rule;
import io.vigil.detection.rule.repository.RuleRepository;
import io.vigil.detection.rule.rest.RuleRequest;
import io.vigil.detection.rule.rest.RuleView;
import io.vigil.detection.model.Networks;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.lib.api.id.Ids;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Allow-list entries and suppressions: scoped CRUD for people, each change audited in the same transaction. A rule
 * belongs to one customer, or (customerId null) to every customer of an MSP.
 */
@ApplicationScoped
public class RuleService {


    /** Whose rules: a customer of an MSP, or the MSP itself (customerId null). */
    public record Owner(String mspId, String customerId) {
    }

    private final RuleRepository rules;
    private final CustomerAccess access;
    private final AuditLog audit;

    public RuleService(RuleRepository rules, CustomerAccess access, AuditLog audit) {
        this.rules = rules;
        this.access = access;
        this.audit = audit;
    }

    /** The customer as owner if the caller sees it, else 404. */
    private Uni<Owner> customerOwner(TenantContext ctx, String customerId) {
        return access.requireVisible(ctx, customerId).map((CustomerProfile c) -> new Owner(c.mspId, c.id));
    }

    /** The MSP as owner if the caller reaches all of it, else 404 (403 for its own customer viewers). */
    private Uni<Owner> mspOwner(TenantContext ctx, String mspId) {
        return access.requireMsp(ctx, mspId, "allow-list").map(m -> new Owner(m, null));
    }

    private Uni<Owner> owner(TenantContext ctx, String mspId, String customerId) {
        return customerId != null ? customerOwner(ctx, customerId) : mspOwner(ctx, mspId);
    }

    @WithSession
    public Uni<List<RuleView>> list(TenantContext ctx, String mspId, String customerId, Rule.Kind kind) {
        return owner(ctx, mspId, customerId).chain(o -> rules.list(ctx, o.mspId(), o.customerId(), kind))
                .map(list -> list.stream().map(RuleView::of).toList());
    }

    @WithSession
    public Uni<RuleView> get(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, String id) {
        return require(ctx, mspId, customerId, kind, id).map(RuleView::of);
    }

    private Uni<Rule> require(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, String id) {
        return owner(ctx, mspId, customerId).chain(o -> rules.findVisible(ctx, o.mspId(), o.customerId(), kind, id))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("rule", id));
    }

    @WithTransaction
    public Uni<RuleView> create(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, RuleRequest body) {
        return owner(ctx, mspId, customerId).chain(o -> {
            requireChange(ctx, o.customerId());
            validate(kind, body);
            requireAdminFor(ctx, body);
            Rule r = new Rule();
            r.id = Ids.newId("rl");
            r.kind = kind;
            r.mspId = o.mspId();
            r.customerId = o.customerId();
            apply(ctx, r, body);
            r.createdBy = ctx.actor();
            r.createdAt = Instant.now();
            r.updatedBy = r.createdBy;
            r.updatedAt = r.createdAt;
            return rules.persist(r).call(x -> audit.record(ctx, o.mspId(), o.customerId(), "rule.create", r.id, describe(r)));
        }).map(RuleView::of);
    }

    @WithTransaction
    public Uni<RuleView> replace(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, String id, RuleRequest body) {
        return require(ctx, mspId, customerId, kind, id).chain(r -> {
            requireChange(ctx, r.customerId);
            validate(kind, body);
            requireAdminFor(ctx, body);
            Map<String, Object> before = describe(r);
            apply(ctx, r, body);
            r.updatedBy = ctx.actor();
            r.updatedAt = Instant.now();
            return audit.record(ctx, r.mspId, r.customerId, "rule.update", r.id, Map.of("before", before, "after", describe(r)))
                    .replaceWith(r);
        }).map(RuleView::of);
    }

    @WithTransaction
    public Uni<Void> delete(TenantContext ctx, String mspId, String customerId, Rule.Kind kind, String id) {
        return require(ctx, mspId, customerId, kind, id).chain(r -> {
            requireChange(ctx, r.customerId);
            return audit.record(ctx, r.mspId, r.customerId, "rule.delete", r.id, describe(r)).chain(x -> rules.delete(r));
        });
    }

    /**
     * Call once the owner proved visible: triaging roles change a customer's rules; an MSP-wide rule applies to every
     * customer of the MSP, so only its admins change those.
     */
    private static void requireChange(TenantContext ctx, String customerId) {
        if (customerId == null) {
            Access.requireManage(ctx, "MSP-wide rules; add the entry to the customer instead");
        } else {
            Access.requireTriage(ctx);
        }
    }

    /** After validation: no expiry, and a CIDR broader than /16 (IPv6 /48), are an admin's decision. */
    private static void requireAdminFor(TenantContext ctx, RuleRequest body) {
        if (Access.may(ctx, Role.Action.MANAGE)) {
            return;
        }
        if (Boolean.TRUE.equals(body.permanent())) {
            throw ProblemException.forbidden("only msp-admin makes a rule permanent; give it an expiresAt");
        }
        if (Breadth.of(body.sourceCidr()).needsConfirmation()) {
            throw ProblemException.forbidden("only msp-admin confirms a rule broader than /" + Breadth.CONFIRM_V4
                    + " (IPv6 /" + Breadth.CONFIRM_V6 + ")");
        }
    }

    static void validate(Rule.Kind kind, RuleRequest body) {
        try {
            Networks.of(List.of(body.sourceCidr()));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("sourceCidr: not an IP address or CIDR: " + body.sourceCidr());
        }
        if (!body.sourceCidr().matches("[0-9A-Fa-f:./]+")) {
            throw ProblemException.badRequest("sourceCidr: not an IP address or CIDR: " + body.sourceCidr());
        }
        if (kind == Rule.Kind.ALLOW && (body.port() != null || body.type() != null)) {
            throw ProblemException.badRequest("an allow-list entry covers every finding of its source: no port or type;"
                    + " use a suppression for those");
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(Instant.now())) {
            throw ProblemException.badRequest("expiresAt: must be in the future");
        }
        boolean permanent = Boolean.TRUE.equals(body.permanent());
        if (body.expiresAt() == null && !permanent) {
            throw ProblemException.badRequest("expiresAt: required; a rule without an end needs permanent: true (msp-admin)");
        }
        if (body.expiresAt() != null && permanent) {
            throw ProblemException.badRequest("permanent: a permanent rule has no expiresAt");
        }
        Breadth breadth = Breadth.of(body.sourceCidr());
        if (breadth.beyondFloor()) {
            throw ProblemException.badRequest("sourceCidr: " + breadth + " would silence a large part of the internet; no rule"
                    + " may be broader than /" + Breadth.FLOOR_V4 + " (IPv6 /" + Breadth.FLOOR_V6 + ")");
        }
        if (breadth.needsConfirmation() && !Boolean.TRUE.equals(body.confirmBroad())) {
            throw ProblemException.badRequest("sourceCidr: " + breadth + " is broader than /" + Breadth.CONFIRM_V4 + " (IPv6 /"
                    + Breadth.CONFIRM_V6 + "); an msp-admin must confirm it with confirmBroad: true");
        }
    }

    private static void apply(TenantContext ctx, Rule r, RuleRequest body) {
        r.sourceCidr = body.sourceCidr().trim();
        r.port = body.port();
        r.type = body.type();
        r.expiresAt = body.expiresAt();
        r.permanent = Boolean.TRUE.equals(body.permanent());
        r.broadConfirmedBy = Breadth.of(r.sourceCidr).needsConfirmation() ? ctx.actor() : null;
        r.reason = body.reason().trim();
    }

    private static Map<String, Object> describe(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.kind.name());
        m.put("sourceCidr", r.sourceCidr);
        m.put("port", r.port);
        m.put("type", r.type == null ? null : r.type.name());
        m.put("expiresAt", r.expiresAt == null ? null : r.expiresAt.toString());
        m.put("permanent", r.permanent);
        m.put("broadConfirmedBy", r.broadConfirmedBy);
        m.put("reason", r.reason);
        // what the rule has dropped so far, so its removal or change shows what it silenced
        m.put("hits", r.hits);
        m.put("lastHitAt", r.lastHitAt == null ? null : r.lastHitAt.toString());
        return m;
    }
}
