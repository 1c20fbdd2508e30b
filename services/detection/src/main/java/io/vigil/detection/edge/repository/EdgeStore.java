package io.vigil.detection.edge.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.family.FeatureRequest;
import io.vigil.detection.model.AdminEdge;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * The admin edges the lateral-movement family remembers ({@code detection.admin_edges}), one row per (customer,
 * source, target, service). The cycle reads them for the sources it judges, in one grouped query per chunk, and adds
 * what it saw in the same transaction as its marks, so a batch judged twice cannot make an edge new twice.
 */
@ApplicationScoped
public class EdgeStore {

    private final Pool pool;

    public EdgeStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * For each tenant, the edges of the asked sources, and since when it learns: the later of its first remembered edge
     * and its first profiled host ({@link FeatureRequest.KnownEdges.Answer}). Three queries whatever the tenants.
     */
    public Uni<Map<String, FeatureRequest.KnownEdges.Answer>> known(Map<String, ? extends Collection<String>> sources) {
        List<String> customers = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        sources.forEach((c, ss) -> ss.forEach(s -> {
            customers.add(c);
            hosts.add(s);
        }));
        if (customers.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String[] tenants = sources.keySet().toArray(String[]::new);
        Uni<Map<String, List<AdminEdge>>> edges = pool.preparedQuery("SELECT e.* FROM detection.admin_edges e"
                        + " JOIN unnest($1::text[], $2::text[]) AS k(customer_id, source) ON e.customer_id = k.customer_id AND e.source = k.source")
                .execute(Tuple.of(customers.toArray(String[]::new), hosts.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<AdminEdge>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString("customer_id"), c -> new ArrayList<>()).add(edge(r)));
                    return out;
                });
        Uni<Map<String, Instant>> firstEdge = firstSeen("SELECT customer_id, min(first_seen) AS since FROM detection.admin_edges"
                + " WHERE customer_id = ANY($1) GROUP BY customer_id", tenants);
        Uni<Map<String, Instant>> firstHost = firstSeen("SELECT customer_id, min(first_seen) AS since FROM detection.host_baselines"
                + " WHERE customer_id = ANY($1) GROUP BY customer_id", tenants);
        return edges.chain(e -> firstEdge.chain(fe -> firstHost.map(fh -> {
            Map<String, FeatureRequest.KnownEdges.Answer> out = new HashMap<>();
            for (String t : tenants) {
                Instant a = fe.get(t);
                Instant b = fh.get(t);
                Instant since = a == null || b == null ? null : a.isAfter(b) ? a : b;
                out.put(t, new FeatureRequest.KnownEdges.Answer(since, e.getOrDefault(t, List.of())));
            }
            return out;
        })));
    }

    private Uni<Map<String, Instant>> firstSeen(String sql, String[] tenants) {
        return pool.preparedQuery(sql).execute(Tuple.of(tenants)).map(rows -> {
            Map<String, Instant> out = new HashMap<>();
            rows.forEach(r -> out.put(r.getString("customer_id"), r.getOffsetDateTime("since").toInstant()));
            return out;
        });
    }

    /**
     * Adds the edges, or widens the first and last seen of those already known, in the caller's transaction: one
     * statement whatever their number.
     */
    public Uni<Void> remember(Mutiny.Session session, Map<String, List<AdminEdge>> byTenant) {
        List<String> customers = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        List<String> services = new ArrayList<>();
        // Epoch ms: Hibernate Reactive hands timestamp arrays to the driver in a form it cannot encode.
        List<Long> first = new ArrayList<>();
        List<Long> last = new ArrayList<>();
        byTenant.forEach((t, edges) -> edges.forEach(e -> {
            customers.add(t);
            sources.add(e.source());
            targets.add(e.target());
            services.add(e.service());
            first.add(e.firstSeen().toEpochMilli());
            last.add(e.lastSeen().toEpochMilli());
        }));
        if (customers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return session.createNativeQuery("INSERT INTO detection.admin_edges (customer_id, source, target, service, first_seen, last_seen)"
                        + " SELECT c, s, t, v, to_timestamp(f / 1000.0), to_timestamp(l / 1000.0) FROM unnest(CAST(?1 AS text[]),"
                        + " CAST(?2 AS text[]), CAST(?3 AS text[]), CAST(?4 AS text[]), CAST(?5 AS bigint[]), CAST(?6 AS bigint[]))"
                        + " AS v(c, s, t, v, f, l)"
                        + " ON CONFLICT (customer_id, source, target, service) DO UPDATE"
                        + " SET first_seen = least(admin_edges.first_seen, excluded.first_seen),"
                        + " last_seen = greatest(admin_edges.last_seen, excluded.last_seen)")
                .setParameter(1, customers.toArray(String[]::new)).setParameter(2, sources.toArray(String[]::new))
                .setParameter(3, targets.toArray(String[]::new)).setParameter(4, services.toArray(String[]::new))
                .setParameter(5, first.toArray(Long[]::new)).setParameter(6, last.toArray(Long[]::new))
                .executeUpdate().replaceWithVoid();
    }

    /** Every edge of a customer (tests and the portal's view of a host's admin peers). */
    public Uni<List<AdminEdge>> all(String customerId) {
        return pool.preparedQuery("SELECT * FROM detection.admin_edges WHERE customer_id = $1 ORDER BY source, target, service")
                .execute(Tuple.of(customerId)).map(rows -> {
                    List<AdminEdge> out = new ArrayList<>();
                    rows.forEach(r -> out.add(edge(r)));
                    return out;
                });
    }

    private static AdminEdge edge(Row r) {
        return new AdminEdge(r.getString("source"), r.getString("target"), r.getString("service"),
                r.getOffsetDateTime("first_seen").toInstant(), r.getOffsetDateTime("last_seen").toInstant());
    }
}
