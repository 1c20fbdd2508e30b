package io.vigil.detection.customer.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.alert.repository.AlertRepository.OpenCount;
import io.vigil.detection.customer.CustomerProfile;
import io.vigil.detection.customer.repository.CustomerProfileRepository;
import io.vigil.lib.api.auth.TenantContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The scoped reads behind the customer and MSP summaries, each in one session. */
@ApplicationScoped
public class Summaries {

    /** An MSP's customers known to detection, by id, and their unresolved-alert counts by customer. */
    public record MspRead(List<String> customers, Map<String, List<OpenCount>> counts) {
    }

    private final CustomerAccess access;
    private final CustomerProfileRepository customers;
    private final AlertRepository alerts;

    public Summaries(CustomerAccess access, CustomerProfileRepository customers, AlertRepository alerts) {
        this.access = access;
        this.customers = customers;
        this.alerts = alerts;
    }

    /** The customer's unresolved alerts counted; 404 outside the caller's scope. */
    @WithSession
    public Uni<List<OpenCount>> customer(TenantContext ctx, String customerId) {
        return access.requireVisible(ctx, customerId).chain(c -> alerts.unresolvedCounts(ctx, customerId));
    }

    /** The MSP's customers and their unresolved alerts counted; refused unless the caller reaches the whole MSP. */
    @WithSession
    public Uni<MspRead> msp(TenantContext ctx, String mspId) {
        return access.requireMsp(ctx, mspId, "summary")
                .chain(() -> customers.list("mspId", Sort.by("id"), mspId))
                .chain(list -> alerts.unresolvedCountsOfMsp(ctx, mspId).map(counts -> new MspRead(
                        list.stream().map((CustomerProfile c) -> c.id).toList(),
                        counts.stream().collect(Collectors.groupingBy(OpenCount::customerId)))));
    }
}
