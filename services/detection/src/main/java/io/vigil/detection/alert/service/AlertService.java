package io.vigil.detection.alert.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertComment;
import io.vigil.detection.alert.AlertFilter;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertCommentRepository;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.alert.rest.AlertView;
import io.vigil.detection.alert.rest.CommentView;
import io.vigil.detection.audit.service.AuditLog;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.scan.Attempt;
import io.vigil.detection.scan.Direction;
import io.vigil.detection.scan.Finding;
import io.vigil.detection.scan.Networks;
import io.vigil.detection.scan.ScanType;
import io.vigil.detection.scan.Scoring;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The alert lifecycle: findings merged into one alert per (customer, type, source), and triage by people. */
@ApplicationScoped
public class AlertService {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    private final AlertRepository alerts;
    private final CustomerProfileRepository customers;
    private final AlertCommentRepository comments;
    private final AuditLog audit;
    private final CustomerAccess access;

    public AlertService(AlertRepository alerts, CustomerProfileRepository customers, AlertCommentRepository comments,
                        AuditLog audit, CustomerAccess access) {
        this.alerts = alerts;
        this.customers = customers;
        this.comments = comments;
        this.audit = audit;
        this.access = access;
    }

    // ---- the detection cycle's side (no caller; runs inside the cycle's transaction) ----

    /**
     * Merges one finding into its alert, creating it or reopening a resolved one when the finding has activity after
     * the resolution. Evidence from the fast window adds to the counts; evidence from the slow horizon (which overlaps
     * earlier cycles) only raises them to what it saw. Returns the change to announce (opened, escalated, reopened)
     * once the cycle's transaction commits, or null.
     */
    public Uni<AlertChanged> record(String customerId, Customer customer, Finding f, Gate.Verdict baseline, Instant now) {
        return alerts.findByKey(customerId, f.type(), f.source()).chain(existing -> {
            Alert a = existing;
            boolean created = a == null;
            boolean reopened = false;
            if (created) {
                a = new Alert();
                a.id = newId();
                a.customerId = customerId;
                a.type = f.type();
                a.source = f.source();
                a.status = AlertStatus.OPEN;
                a.severity = Scoring.Severity.LOW;
                a.targets = new String[0];
                a.ports = new String[0];
                a.sources = new String[0];
                a.mitre = new String[0];
                a.samples = "[]";
                a.firstSeen = Instant.ofEpochMilli(f.firstMs());
                a.lastSeen = Instant.ofEpochMilli(f.lastMs());
                a.trwFailures = f.trwFailures();
                a.createdAt = now;
            } else if (a.status == AlertStatus.RESOLVED) {
                if (a.resolvedAt != null && f.lastMs() <= a.resolvedAt.toEpochMilli()) {
                    return Uni.createFrom().nullItem();
                }
                a.status = AlertStatus.OPEN;
                a.reopenCount++;
                a.acknowledgedBy = null;
                a.acknowledgedAt = null;
                a.resolvedBy = null;
                a.resolvedAt = null;
                reopened = true;
            }
            Scoring.Severity before = a.severity;
            a.mspId = customer == null ? null : customer.mspId();
            merge(a, f, customer == null ? Networks.NONE : customer.networks());
            a.baseline = json(baseline);
            a.updatedAt = now;
            Alert saved = a;
            AlertChanged.Change kind = AlertChanged.of(created, reopened, created ? null : before, a.severity);
            AlertChanged change = kind == null ? null : AlertChanged.of(a, kind, created ? null : before);
            return (created ? alerts.persist(saved) : Uni.createFrom().item(saved)).replaceWith(change);
        });
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }

    static void merge(Alert a, Finding f, Networks networks) {
        int newTargets = countNew(a.targets, f.targets());
        int newPorts = countNew(a.ports, f.services());
        int newSources = countNew(a.sources, f.sources());
        a.targets = union(a.targets, f.targets());
        a.ports = union(a.ports, f.services());
        a.sources = union(a.sources, f.sources());
        a.sourceCount += newSources;
        a.targetCount += newTargets;
        a.portCount += newPorts;
        // The slow horizon and a distributed scan's window overlap earlier cycles: their counts only raise.
        if ("slow".equals(f.decidedBy()) || f.type() == ScanType.DISTRIBUTED) {
            a.attempts = Math.max(a.attempts, f.attempts());
            a.failed = Math.max(a.failed, f.failed());
            a.answered = Math.max(a.answered, f.answered());
        } else {
            a.attempts += f.attempts();
            a.failed += f.failed();
            a.answered += f.answered();
        }
        a.slow = a.slow || f.slow();
        if (a.trwFailures == 0) {
            a.trwFailures = f.trwFailures();
        }
        a.firstSeen = Instant.ofEpochMilli(Math.min(a.firstSeen.toEpochMilli(), f.firstMs()));
        a.lastSeen = Instant.ofEpochMilli(Math.max(a.lastSeen.toEpochMilli(), f.lastMs()));
        a.direction = direction(networks, a.sources, a.targets);
        a.mitre = Scoring.mitre(a.direction).toArray(String[]::new);
        a.score = Math.max(a.score, Scoring.score(a.direction, a.targetCount, a.portCount, a.answered));
        Scoring.Severity severity = Scoring.severity(a.score);
        if (severity.compareTo(a.severity) > 0) {
            a.severity = severity;
        }
        a.summary = a.type == ScanType.DISTRIBUTED
                ? Scoring.distributedSummary(a.source, a.sourceCount, a.targetCount, a.answered, a.firstSeen.toEpochMilli(),
                        a.lastSeen.toEpochMilli())
                : Scoring.summary(a.type, a.source, List.of(a.targets), a.targetCount, List.of(a.ports), a.portCount,
                        a.answered, a.firstSeen.toEpochMilli(), a.lastSeen.toEpochMilli());
        a.samples = samples(a.samples, f.samples());
    }

    /** Lateral or inbound as soon as one source-target pair is: the most telling direction wins. */
    static Direction direction(Networks networks, String[] sources, String[] targets) {
        Direction best = null;
        for (String source : sources) {
            for (String t : targets) {
                Direction d = networks.direction(source, t);
                if (best == null || d.ordinal() < best.ordinal()) {
                    best = d;
                }
            }
        }
        return best == null ? Direction.EXTERNAL : best;
    }

    private static int countNew(String[] have, List<String> add) {
        Set<String> set = Set.of(have);
        return (int) add.stream().filter(x -> !set.contains(x)).count();
    }

    private static String[] union(String[] have, List<String> add) {
        LinkedHashSet<String> all = new LinkedHashSet<>(List.of(have));
        for (String x : add) {
            if (all.size() >= Alert.MAX_LISTED) {
                break;
            }
            all.add(x);
        }
        return all.toArray(String[]::new);
    }

    private static String samples(String existing, List<Attempt> add) {
        try {
            ArrayNode arr = (ArrayNode) JSON.readTree(existing);
            for (Attempt s : add) {
                if (arr.size() >= 10) {
                    break;
                }
                arr.add(JSON.valueToTree(s));
            }
            return JSON.writeValueAsString(arr);
        } catch (JsonProcessingException | ClassCastException e) {
            return existing;
        }
    }

    private static String newId() {
        StringBuilder sb = new StringBuilder("al-");
        for (int i = 0; i < 12; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    // ---- the API's side: always through the caller's scope ----

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
    public Uni<Page<AlertView>> list(TenantContext ctx, String customerId, String cursor, int limit, AlertFilter filter) {
        Long before = before(cursor);
        return requireCustomer(ctx, customerId)
                .chain(c -> alerts.page(ctx, customerId, before, limit + 1, filter)).map(rows -> page(rows, limit));
    }

    /** Every customer's alerts of the MSP, latest activity first; refused unless the caller reaches the whole MSP. */
    @WithSession
    public Uni<Page<AlertView>> listOfMsp(TenantContext ctx, String mspId, String cursor, int limit, AlertFilter filter) {
        Long before = before(cursor);
        return access.requireMsp(ctx, mspId, "alerts")
                .chain(m -> alerts.pageOfMsp(ctx, mspId, before, limit + 1, filter)).map(rows -> page(rows, limit));
    }

    /** The first {@code limit} of {@code limit + 1} rows, and a cursor when there was one more. */
    private static Page<AlertView> page(List<Alert> rows, int limit) {
        List<AlertView> items = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            items.add(AlertView.summary(rows.get(i)));
        }
        String next = rows.size() > limit ? Cursor.encode(String.valueOf(rows.get(limit - 1).activitySeq)) : null;
        return new Page<>(items, next);
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
    public Uni<AlertView> get(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).map(AlertView::detail);
    }

    /** OPEN → ACKNOWLEDGED (idempotent); a resolved alert cannot be acknowledged (409). */
    @WithTransaction
    public Uni<AlertView> acknowledge(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            ctx.requireManage();
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
        }).map(AlertView::detail);
    }

    /** OPEN or ACKNOWLEDGED → RESOLVED (idempotent). */
    @WithTransaction
    public Uni<AlertView> resolve(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            ctx.requireManage();
            if (a.status == AlertStatus.RESOLVED) {
                return Uni.createFrom().item(a);
            }
            String from = a.status.name();
            a.status = AlertStatus.RESOLVED;
            a.resolvedBy = ctx.actor();
            a.resolvedAt = Instant.now();
            a.updatedAt = a.resolvedAt;
            return audit.record(ctx, a.mspId, a.customerId, "alert.resolve", a.id, Map.of("from", from, "to", "RESOLVED"))
                    .replaceWith(a);
        }).map(AlertView::detail);
    }

    /** Adds a comment (people who may triage); audited. */
    @WithTransaction
    public Uni<CommentView> comment(TenantContext ctx, String customerId, String alertId, String body) {
        return requireAlert(ctx, customerId, alertId).chain(a -> {
            ctx.requireManage();
            AlertComment c = new AlertComment();
            c.alertId = a.id;
            c.customerId = a.customerId;
            c.mspId = a.mspId;
            c.author = ctx.actor();
            c.body = body.trim();
            c.createdAt = Instant.now();
            return comments.persist(c)
                    .call(x -> audit.record(ctx, a.mspId, a.customerId, "alert.comment", a.id, Map.of("comment", c.body)));
        }).map(CommentView::of);
    }

    @WithSession
    public Uni<List<CommentView>> comments(TenantContext ctx, String customerId, String alertId) {
        return requireAlert(ctx, customerId, alertId).chain(a -> comments.of(ctx, customerId, alertId))
                .map(list -> list.stream().map(CommentView::of).toList());
    }
}
