package io.vigil.detection.baseline.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.Profile;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Baselines in PostgreSQL ({@code detection.host_baselines}), one row per (customer, host) with the profile as JSON.
 * Callers pass a customer they already proved visible (or the cycle's own tenant): rows carry no MSP of their own.
 */
@ApplicationScoped
public class BaselineStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pool pool;

    public BaselineStore(Pool pool) {
        this.pool = pool;
    }

    /** Replaces the customer's baselines with {@code baselines} (hosts not in the list are dropped). */
    public Uni<Void> replace(String customerId, List<HostBaseline> baselines) {
        List<Tuple> rows = new ArrayList<>();
        for (HostBaseline b : baselines) {
            rows.add(Tuple.tuple().addString(customerId).addString(b.host()).addString(b.state().name())
                    .addOffsetDateTime(b.firstSeen().atOffset(ZoneOffset.UTC)).addOffsetDateTime(b.lastSeen().atOffset(ZoneOffset.UTC))
                    .addInteger(b.activeHours()).addOffsetDateTime(b.matureAt().atOffset(ZoneOffset.UTC))
                    .addString(json(b.profile())).addOffsetDateTime(b.computedAt().atOffset(ZoneOffset.UTC)));
        }
        return pool.withTransaction(c -> c.preparedQuery("DELETE FROM detection.host_baselines WHERE customer_id = $1")
                .execute(Tuple.of(customerId))
                .chain(x -> rows.isEmpty() ? Uni.createFrom().voidItem() : c.preparedQuery(
                        "INSERT INTO detection.host_baselines (customer_id, host, state, first_seen, last_seen, active_hours,"
                                + " mature_at, profile, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .executeBatch(rows).replaceWithVoid()));
    }

    public Uni<HostBaseline> find(String customerId, String host) {
        return pool.preparedQuery("SELECT * FROM detection.host_baselines WHERE customer_id = $1 AND host = $2")
                .execute(Tuple.of(customerId, host))
                .map(rows -> rows.size() == 0 ? null : row(rows.iterator().next()));
    }

    public Uni<Map<String, HostBaseline>> find(String customerId, Collection<String> hosts) {
        if (hosts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT * FROM detection.host_baselines WHERE customer_id = $1 AND host = ANY($2)")
                .execute(Tuple.of(customerId, hosts.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, HostBaseline> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getString("host"), row(r)));
                    return out;
                });
    }

    /** The baselines of the given hosts of several customers, by customer and host, in one query (the cycle's). */
    public Uni<Map<String, Map<String, HostBaseline>>> find(Map<String, ? extends Collection<String>> hostsByCustomer) {
        List<String> customers = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        hostsByCustomer.forEach((c, hs) -> hs.forEach(h -> {
            customers.add(c);
            hosts.add(h);
        }));
        if (hosts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT b.* FROM detection.host_baselines b"
                        + " JOIN unnest($1::text[], $2::text[]) AS k(customer_id, host) ON b.customer_id = k.customer_id AND b.host = k.host")
                .execute(Tuple.of(customers.toArray(String[]::new), hosts.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Map<String, HostBaseline>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString("customer_id"), c -> new HashMap<>()).put(r.getString("host"), row(r)));
                    return out;
                });
    }

    /** Hosts per state for the customer. */
    public Uni<Map<HostBaseline.State, Long>> maturity(String customerId) {
        return pool.preparedQuery("SELECT state, count(*) AS n FROM detection.host_baselines WHERE customer_id = $1 GROUP BY state")
                .execute(Tuple.of(customerId))
                .map(rows -> {
                    Map<HostBaseline.State, Long> out = noHosts();
                    rows.forEach(r -> out.put(HostBaseline.State.valueOf(r.getString("state")), r.getLong("n")));
                    return out;
                });
    }

    /** Hosts per state for each customer of the MSP that has any (as {@code detection.customers} places them). */
    public Uni<Map<String, Map<HostBaseline.State, Long>>> maturityOfMsp(String mspId) {
        return pool.preparedQuery("SELECT b.customer_id, b.state, count(*) AS n FROM detection.host_baselines b"
                        + " JOIN detection.customers c ON c.id = b.customer_id WHERE c.msp_id = $1 GROUP BY b.customer_id, b.state")
                .execute(Tuple.of(mspId))
                .map(rows -> {
                    Map<String, Map<HostBaseline.State, Long>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString("customer_id"), k -> noHosts())
                            .put(HostBaseline.State.valueOf(r.getString("state")), r.getLong("n")));
                    return out;
                });
    }

    /** Every state, with no host in it. */
    public static Map<HostBaseline.State, Long> noHosts() {
        Map<HostBaseline.State, Long> out = new EnumMap<>(HostBaseline.State.class);
        for (HostBaseline.State s : HostBaseline.State.values()) {
            out.put(s, 0L);
        }
        return out;
    }

    private static HostBaseline row(Row r) {
        try {
            return new HostBaseline(r.getString("customer_id"), r.getString("host"), HostBaseline.State.valueOf(r.getString("state")),
                    instant(r, "first_seen"), instant(r, "last_seen"), r.getInteger("active_hours"), instant(r, "mature_at"),
                    JSON.readValue(r.getString("profile"), Profile.class), instant(r, "computed_at"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable baseline profile of " + r.getString("host"), e);
        }
    }

    private static Instant instant(Row r, String column) {
        return r.getOffsetDateTime(column).toInstant();
    }

    private static String json(Profile p) {
        try {
            return JSON.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
