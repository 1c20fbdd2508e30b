package io.vigil.portal.web;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Page;
import io.vigil.portal.api.TenantsApi;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The APIs answer per customer; pages that span an MSP ask every customer the user can see, a bounded number at a
 * time. One customer's failure is shown on its row rather than failing the page, except an expired session (401).
 */
@ApplicationScoped
public class Fanout {

    /** Customers read for one page at most; an MSP with more sees the first ones by id and a note. */
    public static final int MAX_CUSTOMERS = 5000;
    private static final int PAGE = 200;

    private final TenantsApi tenants;
    private final int concurrency;

    public Fanout(@RestClient TenantsApi tenants, @ConfigProperty(name = "vigil.portal.fan-out") int concurrency) {
        this.tenants = tenants;
        this.concurrency = concurrency;
    }

    /** One customer's answer, or why it has none. */
    public record Each<T>(Customer customer, T value, String error) {
    }

    /** Every active customer in the user's scope (a customer viewer: its own), by id. */
    public Uni<List<Customer>> customers() {
        return page(null, new ArrayList<>());
    }

    private Uni<List<Customer>> page(String cursor, List<Customer> into) {
        return tenants.customers(cursor, PAGE, "ACTIVE").flatMap((Page<Customer> p) -> {
            into.addAll(p.items());
            if (p.nextCursor() == null || into.size() >= MAX_CUSTOMERS) {
                return Uni.createFrom().item(into);
            }
            return page(p.nextCursor(), into);
        });
    }

    /** {@code call} for each customer, {@code concurrency} at a time, in the customers' order. */
    public <T> Uni<List<Each<T>>> each(List<Customer> customers, Function<Customer, Uni<T>> call) {
        return all(customers, c -> call.apply(c).map(v -> new Each<>(c, v, null))
                .onFailure(e -> !ErrorPages.sessionExpired(e))
                .recoverWithItem(e -> new Each<T>(c, null, ErrorPages.describe(e))))
                .map(list -> list.stream().map(Map.Entry::getValue).toList());
    }

    /**
     * Answers asked once per MSP rather than once per customer.
     *
     * @param customers the customers asked about, by id
     * @param answers   by MSP id; an MSP whose API answered 404 (it knows none of the MSP's customers yet) has none
     * @param failed    why an MSP's answer could not be read, by MSP id
     */
    public record PerMsp<T>(Map<String, Customer> customers, Map<String, T> answers, Map<String, String> failed) {

        /** The failures as a page lists them. */
        public List<String> failures() {
            return failed.entrySet().stream().map(e -> "MSP " + e.getKey() + ": " + e.getValue()).toList();
        }
    }

    /** {@code call} once for each MSP of {@code customers}, {@code concurrency} at a time. */
    public <T> Uni<PerMsp<T>> perMsp(List<Customer> customers, Function<String, Uni<T>> call) {
        Map<String, Customer> byId = new LinkedHashMap<>();
        customers.forEach(c -> byId.put(c.id(), c));
        List<String> msps = customers.stream().map(Customer::mspId).distinct().toList();
        return all(msps, m -> Maybe.of(call.apply(m))).map(list -> {
            Map<String, T> answers = new LinkedHashMap<>();
            Map<String, String> failed = new LinkedHashMap<>();
            for (Map.Entry<String, Maybe<T>> e : list) {
                if (e.getValue().value() != null) {
                    answers.put(e.getKey(), e.getValue().value());
                } else if (e.getValue().status() != 404) {
                    failed.put(e.getKey(), e.getValue().error());
                }
            }
            return new PerMsp<>(byId, answers, failed);
        });
    }

    /** {@code call} for each key, {@code concurrency} at a time, answers in the keys' order; a failure fails the whole. */
    public <K, T> Uni<List<Map.Entry<K, T>>> all(List<K> keys, Function<K, Uni<T>> call) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Multi.createFrom().range(0, keys.size())
                .onItem().transformToUni(i -> call.apply(keys.get(i)).map(v -> Map.entry(i, v))).merge(concurrency)
                .collect().asList()
                .map(list -> {
                    List<Map.Entry<Integer, T>> sorted = new ArrayList<>(list);
                    sorted.sort(Comparator.comparing(Map.Entry::getKey));
                    return sorted.stream().map(e -> Map.entry(keys.get(e.getKey()), e.getValue())).toList();
                });
    }
}
