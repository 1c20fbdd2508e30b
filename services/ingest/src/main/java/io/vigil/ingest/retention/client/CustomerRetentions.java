package io.vigil.ingest.retention.client;

import io.vigil.ingest.retention.RetentionConfig;
import io.vigil.lib.tenants.TenantsCustomer;
import io.vigil.lib.tenants.TenantsCustomerPage;
import io.vigil.lib.tenants.TenantsInternalApi;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every customer's retention, read whole from the tenants internal API (with ingest's own client-credentials token) on
 * each run, never cached: a run deletes only on a complete, current list, and fails as a whole otherwise.
 */
@ApplicationScoped
public class CustomerRetentions {

    /** Tenants could not give the whole list: nothing may be deleted on a partial one. */
    public static class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    /** Far above any real customer count; a cursor that never ends must not loop forever. */
    private static final int MAX_PAGES = 100_000;

    private final TenantsInternalApi tenants;
    private final int pageSize;

    public CustomerRetentions(@RestClient TenantsInternalApi tenants, RetentionConfig config) {
        this.tenants = tenants;
        this.pageSize = config.tenantsPageSize();
    }

    /** Customer id → retention in days (null when tenants gave none), for every customer tenants knows. */
    public Map<String, Integer> all() {
        Map<String, Integer> all = new HashMap<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int pages = 0;
        try {
            do {
                TenantsCustomerPage page = tenants.customers(cursor, pageSize).await().atMost(PAGE_TIMEOUT);
                if (page == null || page.items() == null) {
                    throw new IllegalStateException("tenants answered a page without items");
                }
                for (TenantsCustomer c : page.items()) {
                    all.put(c.id(), c.retentionDays());
                }
                cursor = page.nextCursor();
                if (cursor != null && (!cursors.add(cursor) || ++pages > MAX_PAGES)) {
                    throw new IllegalStateException("tenants' customer list does not end (cursor " + cursor + " again)");
                }
            } while (cursor != null);
        } catch (RuntimeException e) {
            throw new Unavailable("tenants did not list every customer (" + all.size() + " read): " + e, e);
        }
        return all;
    }
}
