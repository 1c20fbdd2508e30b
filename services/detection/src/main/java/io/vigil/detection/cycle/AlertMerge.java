package io.vigil.detection.cycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertChanged;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.baseline.Gate;
import io.vigil.detection.family.Family;
import io.vigil.detection.model.AlertFamily;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Direction;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Severity;
import io.vigil.lib.api.id.Ids;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The writer's merge: a cycle's raised findings into their alerts, one per (customer, type, source). Pure over the
 * alerts it is given (the writer loads them and persists what comes out), so it is tested without a database.
 *
 * <p>What every alert merges the same way is here: the evidence lists (unions, listing up to {@link Alert#MAX_LISTED}
 * with exact counts beyond), first and last seen, the direction over every (source, target) pair, the baseline
 * comparison, reopening, and a severity that never falls. The family merges its own evidence, score and summary.
 */
public final class AlertMerge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertMerge() {
    }

    /** An alert's natural key. */
    public record Key(String customerId, AlertType type, String source) {

        static Key of(Alert a) {
            return new Key(a.customerId, a.type, a.source);
        }
    }

    /**
     * What merging a cycle did.
     *
     * @param created alerts that did not exist (to persist)
     * @param touched every alert a finding merged into, created ones included
     * @param changes what to announce, one per alert at most (opened, reopened or escalated)
     */
    public record Merged(List<Alert> created, List<Alert> touched, List<AlertChanged> changes) {
    }

    /** What an alert was before this cycle touched it. */
    private static final class Before {
        final boolean created;
        final Severity severity;
        boolean reopened;

        Before(boolean created, Severity severity) {
            this.created = created;
            this.severity = severity;
        }
    }

    /**
     * Merges every raised finding of {@code tenants}, in order, into {@code existing} (keyed alerts; created ones are
     * added to it).
     */
    public static Merged apply(Map<Key, Alert> existing, List<TenantVerdicts> tenants, Function<AlertFamily, Family> families,
                               Instant now) {
        Map<Key, Before> before = new LinkedHashMap<>();
        List<Alert> created = new ArrayList<>();
        for (TenantVerdicts t : tenants) {
            Networks networks = t.customer() == null ? Networks.NONE : t.customer().networks();
            String mspId = t.customer() == null ? null : t.customer().mspId();
            for (FindingGate.Decision d : t.decisions()) {
                if (!d.raised()) {
                    continue;
                }
                Finding f = d.finding();
                Key key = new Key(t.tenant(), f.type(), f.source());
                Alert a = existing.get(key);
                if (a == null) {
                    a = create(t.tenant(), f, now);
                    existing.put(key, a);
                    created.add(a);
                    before.put(key, new Before(true, null));
                } else {
                    before.putIfAbsent(key, new Before(false, a.severity));
                    if (a.status == AlertStatus.RESOLVED) {
                        // Activity from before the resolution, which the slow horizon may still show, does not reopen it.
                        if (a.resolvedAt != null && f.lastMs() <= a.resolvedAt.toEpochMilli()) {
                            continue;
                        }
                        reopen(a);
                        before.get(key).reopened = true;
                    }
                }
                merge(a, f, d.verdict(), networks, mspId, families.apply(f.family()), now);
            }
        }
        before.keySet().forEach(key -> link(existing.get(key), existing.values()));
        List<Alert> touched = new ArrayList<>();
        List<AlertChanged> changes = new ArrayList<>();
        before.forEach((key, b) -> {
            Alert a = existing.get(key);
            touched.add(a);
            AlertChanged.Change change = AlertChanged.of(b.created, b.reopened, b.severity, a.severity);
            if (change != null) {
                changes.add(AlertChanged.of(a, change, b.created ? null : b.severity));
            }
        });
        return new Merged(created, touched, changes);
    }

    /** Lateral-movement alerts that show the source logging in, which its open scan makes the next step of an attack. */
    private static final Set<AlertType> LOGGING_IN = Set.of(AlertType.NEW_ADMIN_EDGE, AlertType.AUTH_BRUTE_FORCE);

    /**
     * Links a touched alert with the customer's open alerts of the same source that tell one story: a scan and the
     * source's admin logins or password guessing ("the scanner is now logging in"). Both name each other; the login
     * alert rises by one severity band and says so. Every alert of a touched source was loaded with the merge's
     * alerts, so this needs no read of its own.
     */
    static void link(Alert a, Collection<Alert> loaded) {
        for (Alert other : loaded) {
            if (other == a || !other.customerId.equals(a.customerId) || !other.source.equals(a.source)
                    || other.status == AlertStatus.RESOLVED || a.status == AlertStatus.RESOLVED) {
                continue;
            }
            Alert login = LOGGING_IN.contains(a.type) && other.family == AlertFamily.RECONNAISSANCE ? a
                    : LOGGING_IN.contains(other.type) && a.family == AlertFamily.RECONNAISSANCE ? other : null;
            if (login == null) {
                continue;
            }
            Alert scan = login == a ? other : a;
            boolean fresh = !List.of(login.related).contains(scan.id);
            login.related = union(login.related, List.of(scan.id));
            scan.related = union(scan.related, List.of(login.id));
            if (!login.summary.endsWith(SCANNED_FIRST)) {
                login.summary = login.summary + SCANNED_FIRST;
            }
            if (fresh) {
                login.score = Math.max(login.score, nextBand(login.severity));
                Severity raised = Severity.of(login.score);
                if (raised.compareTo(login.severity) > 0) {
                    login.severity = raised;
                }
            }
        }
    }

    /** What a login alert linked to its source's scan adds to its summary. */
    static final String SCANNED_FIRST = "; it scanned the network first: the scanner is now logging in";

    /** The lowest score of the band above {@code s} (CRITICAL stays). */
    private static int nextBand(Severity s) {
        return switch (s) {
            case LOW -> 40;
            case MEDIUM -> 60;
            case HIGH, CRITICAL -> 85;
        };
    }

    private static Alert create(String customerId, Finding f, Instant now) {
        Alert a = new Alert();
        a.id = Ids.newId("al");
        a.customerId = customerId;
        a.family = f.family();
        a.type = f.type();
        a.source = f.source();
        a.status = AlertStatus.OPEN;
        a.severity = Severity.LOW;
        a.targets = new String[0];
        a.ports = new String[0];
        a.sources = new String[0];
        a.related = new String[0];
        a.mitre = new String[0];
        a.samples = "[]";
        a.evidence = "{}";
        a.firstSeen = Instant.ofEpochMilli(f.firstMs());
        a.lastSeen = Instant.ofEpochMilli(f.lastMs());
        a.createdAt = now;
        return a;
    }

    private static void reopen(Alert a) {
        a.status = AlertStatus.OPEN;
        a.reopenCount++;
        a.acknowledgedBy = null;
        a.acknowledgedAt = null;
        a.resolvedBy = null;
        a.resolvedAt = null;
    }

    static void merge(Alert a, Finding f, Gate.Verdict verdict, Networks networks, String mspId, Family family, Instant now) {
        a.targetCount += countNew(a.targets, f.targets());
        a.portCount += countNew(a.ports, f.services());
        a.sourceCount += countNew(a.sources, f.sources());
        a.targets = union(a.targets, f.targets());
        a.ports = union(a.ports, f.services());
        a.sources = union(a.sources, f.sources());
        a.firstSeen = Instant.ofEpochMilli(Math.min(a.firstSeen.toEpochMilli(), f.firstMs()));
        a.lastSeen = Instant.ofEpochMilli(Math.max(a.lastSeen.toEpochMilli(), f.lastMs()));
        a.direction = direction(networks, a.sources, a.targets);
        a.mspId = mspId;
        a.baseline = json(verdict);
        a.updatedAt = now;
        family.merge(a, f);
        Severity severity = Severity.of(a.score);
        if (severity.compareTo(a.severity) > 0) {
            a.severity = severity;
        }
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
        return (int) add.stream().filter(x -> !set.contains(x)).distinct().count();
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

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            return "{}";
        }
    }
}
