package io.vigil.detection.customer.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.lib.api.auth.Access;
import io.vigil.detection.customer.Customer;
import io.vigil.lib.tenants.TenantsCustomer;
import io.vigil.lib.tenants.TenantsInternalApi;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.lib.clickhouse.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Customers as the tenants service knows them, cached for {@code cache-ttl}. Each answer is also stored in
 * {@code detection.customers}, the last known value: when tenants is down or failing, that copy is used (and the log
 * says so, once per outage and customer) and tenants is asked again after {@code retry-after}. With no copy at all the
 * lookup fails with 503, and the cycle retries the tenant later. A 404 from tenants means the customer does not exist.
 * With {@code source=table} (tests) only the table is read: it is the seam the ITs fill with per-run customers.
 * <p>
 * Any caller can put any id in a path, so the cache is bounded ({@code cache-size}), an unknown id is remembered only
 * for {@code not-found-ttl}, and an id that cannot be a tenant id (not a slug of at most 64 characters) is never
 * looked up nor cached.
 */
@ApplicationScoped
public class CustomerDirectory {

    private static final Logger LOG = Logger.getLogger(CustomerDirectory.class);

    public enum Source { TENANTS, TABLE }

    /** Calls to tenants in flight at once when a cycle looks up customers it has not cached. */
    static final int CONCURRENT_LOOKUPS = 16;

    /** A cached answer (customer null: tenants said it does not exist) and how long it may be used. */
    private record Entry(Customer customer, Duration lifetime) {
    }

    private final TenantsInternalApi tenants;
    private final Pool pool;
    private final Source source;
    private final Duration ttl;
    private final Duration notFoundTtl;
    private final Duration retryAfter;
    private final Cache<String, Entry> cache;
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private final Counter fallbacks;
    private final Counter found;
    private final Counter notFound;
    private final Counter failed;

    public CustomerDirectory(@RestClient TenantsInternalApi tenants, Pool pool, MeterRegistry registry,
                             @ConfigProperty(name = "vigil.detection.customers.source") Source source,
                             @ConfigProperty(name = "vigil.detection.customers.cache-ttl") Duration ttl,
                             @ConfigProperty(name = "vigil.detection.customers.not-found-ttl") Duration notFoundTtl,
                             @ConfigProperty(name = "vigil.detection.customers.retry-after") Duration retryAfter,
                             @ConfigProperty(name = "vigil.detection.customers.cache-size") long cacheSize) {
        this.tenants = tenants;
        this.pool = pool;
        this.source = source;
        this.ttl = ttl;
        this.notFoundTtl = notFoundTtl;
        this.retryAfter = retryAfter;
        // Maintenance (eviction) on the calling thread, so the bound holds as soon as a put returns.
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).expireAfter(new PerEntryLifetime())
                .executor(Runnable::run).build();
        Gauge.builder("vigil.detection.customers.cached", cache, Cache::estimatedSize).strongReference(true)
                .description("customer answers cached (found, unknown, or a fallback copy)").register(registry);
        this.fallbacks = Counter.builder("vigil.detection.customers.fallbacks")
                .description("customer lookups answered from the last known copy because tenants failed").register(registry);
        this.found = lookups(registry, "found");
        this.notFound = lookups(registry, "not-found");
        this.failed = lookups(registry, "failed");
    }

    private static Counter lookups(MeterRegistry registry, String outcome) {
        return Counter.builder("vigil.detection.customers.lookups").tag("outcome", outcome)
                .description("calls to the tenants internal API for one customer, by outcome").register(registry);
    }

    /** Each entry lives as long as its kind allows: a customer, an unknown id, or a fallback copy. */
    private static final class PerEntryLifetime implements Expiry<String, Entry> {
        @Override
        public long expireAfterCreate(String id, Entry e, long now) {
            return e.lifetime().toNanos();
        }

        @Override
        public long expireAfterUpdate(String id, Entry e, long now, long current) {
            return e.lifetime().toNanos();
        }

        @Override
        public long expireAfterRead(String id, Entry e, long now, long current) {
            return current;
        }
    }

    public Source source() {
        return source;
    }

    /** The customer, or null when it does not exist; fails with 503 when tenants is down and no copy is known. */
    public Uni<Customer> find(String id) {
        if (!Sql.isTenantId(id)) {
            return Uni.createFrom().nullItem();
        }
        if (source == Source.TABLE) {
            return stored(id, Customer.Origin.TABLE);
        }
        Entry cached = cache.getIfPresent(id);
        if (cached != null) {
            return Uni.createFrom().item(cached.customer);
        }
        return tenants.customer(id)
                .chain(c -> store(c).replaceWith(fresh(c)))
                .onFailure(CustomerDirectory::notFound).recoverWithItem(() -> null)
                .invoke(c -> {
                    (c == null ? notFound : found).increment();
                    cache.put(id, new Entry(c, c == null ? notFoundTtl : ttl));
                    if (failing.remove(id) != null) {
                        LOG.infof("tenants answers again for customer %s", id);
                    }
                })
                .onFailure().invoke(e -> failed.increment())
                .onFailure().recoverWithUni(e -> stored(id, Customer.Origin.LAST_KNOWN).map(c -> {
                    fallbacks.increment();
                    if (c == null) {
                        LOG.errorf("tenants failed for customer %s and no copy is known: %s", id, e.toString());
                        throw new ProblemException(503, "unavailable", "Service unavailable",
                                "the tenants service is unavailable and customer " + id + " is not known yet");
                    }
                    if (failing.put(id, Boolean.TRUE) == null) {
                        LOG.warnf("tenants failed for customer %s (%s): using its last known networks, stored %s;"
                                + " asking again every %s", id, e.toString(), c.asOf(), retryAfter);
                    }
                    cache.put(id, new Entry(c, retryAfter));
                    return c;
                }));
    }

    /**
     * What a lookup of many customers found.
     *
     * @param found       the customers that exist, by id
     * @param unavailable ids that could not be looked up (tenants down and no copy known): retried later
     */
    public record Lookup(Map<String, Customer> found, Set<String> unavailable) {
    }

    /**
     * Many customers at once, for a detection cycle: from the table in one query, or from the cache and then tenants
     * (at most {@value #CONCURRENT_LOOKUPS} calls at a time). An id that does not exist (or cannot be a tenant id) is in
     * neither map.
     */
    public Uni<Lookup> findAll(Collection<String> all) {
        List<String> ids = all.stream().filter(Sql::isTenantId).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new Lookup(Map.of(), Set.of()));
        }
        if (source == Source.TABLE) {
            return pool.preparedQuery("SELECT id, msp_id, internal_networks, status, time_zone, updated_at FROM detection.customers"
                            + " WHERE id = ANY($1)")
                    .execute(Tuple.of(ids.toArray(String[]::new)))
                    .map(rows -> {
                        Map<String, Customer> found = new HashMap<>();
                        rows.forEach(r -> found.put(r.getString("id"), row(r, Customer.Origin.TABLE)));
                        return new Lookup(found, Set.of());
                    });
        }
        Map<String, Customer> found = new ConcurrentHashMap<>();
        Set<String> unavailable = ConcurrentHashMap.newKeySet();
        return Multi.createFrom().iterable(ids)
                .onItem().transformToUni(id -> find(id)
                        .invoke(c -> {
                            if (c != null) {
                                found.put(id, c);
                            }
                        })
                        .onFailure().recoverWithItem(e -> {
                            unavailable.add(id);
                            return null;
                        }))
                .merge(CONCURRENT_LOOKUPS)
                .collect().last()
                .map(x -> new Lookup(Map.copyOf(found), Set.copyOf(unavailable)));
    }

    /**
     * Runs {@code then} once the customer is known to exist (404 otherwise), with detection.customers refreshed from
     * tenants: the caller's scoped lookup then reads the current MSP. Resources call this before entering a session,
     * so the tenants call never runs inside a Hibernate session. An id the caller could never see (not a tenant id; for
     * a customer-level caller, any customer but its own; for a caller reaching nothing, any) is 404 without a lookup.
     */
    public <T> Uni<T> known(TenantContext ctx, String id, Supplier<Uni<T>> then) {
        if (!Sql.isTenantId(id) || !Access.mayReachCustomer(ctx, id)) {
            return Uni.createFrom().failure(ProblemException.notFound("customer", id));
        }
        return find(id).chain(c -> c == null ? Uni.createFrom().failure(ProblemException.notFound("customer", id)) : then.get());
    }

    /** How many answers are cached now. */
    public long cached() {
        return cache.estimatedSize();
    }

    /** Drops the cached answers, so the next lookups ask tenants. */
    public void invalidate() {
        cache.invalidateAll();
    }

    private static boolean notFound(Throwable e) {
        return e instanceof WebApplicationException w && w.getResponse() != null && w.getResponse().getStatus() == 404;
    }

    private static Customer fresh(TenantsCustomer c) {
        return new Customer(c.id(), c.mspId(), c.status() == null ? "ACTIVE" : c.status(),
                c.internalNetworks() == null ? List.of() : List.copyOf(c.internalNetworks()),
                c.timeZone() == null ? "UTC" : c.timeZone(), Customer.Origin.TENANTS, Instant.now());
    }

    /** Upserts the last known value. */
    private Uni<Void> store(TenantsCustomer c) {
        Customer f = fresh(c);
        return pool.preparedQuery("INSERT INTO detection.customers (id, msp_id, internal_networks, status, time_zone, updated_at)"
                        + " VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (id) DO UPDATE SET msp_id = EXCLUDED.msp_id,"
                        + " internal_networks = EXCLUDED.internal_networks, status = EXCLUDED.status,"
                        + " time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.of(f.id(), f.mspId(), f.internalNetworks().toArray(String[]::new), f.status(), f.timeZone()))
                .replaceWithVoid();
    }

    private Uni<Customer> stored(String id, Customer.Origin origin) {
        return pool.preparedQuery("SELECT id, msp_id, internal_networks, status, time_zone, updated_at FROM detection.customers WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : row(rows.iterator().next(), origin));
    }

    private static Customer row(Row r, Customer.Origin origin) {
        return new Customer(r.getString("id"), r.getString("msp_id"), r.getString("status"),
                List.of(r.getArrayOfStrings("internal_networks")), r.getString("time_zone"), origin,
                r.getOffsetDateTime("updated_at").toInstant());
    }

}
