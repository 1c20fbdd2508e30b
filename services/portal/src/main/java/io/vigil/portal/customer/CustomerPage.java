package io.vigil.portal.customer;

import io.vigil.portal.api.Customer;
import io.vigil.portal.api.Rule;
import io.vigil.portal.api.Sensor;
import io.vigil.portal.api.Site;
import io.vigil.portal.api.Summary;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the customer page shows.
 *
 * @param summary detection's figures, or null when detection could not answer for this customer ({@code summaryError})
 * @param rules   the customer's allow-list entries and suppressions with what each dropped, or null ({@code rulesError})
 */
public record CustomerPage(Customer customer, List<Site> sites, List<Sensor> sensors, Summary summary,
                           String summaryError, List<Rule> rules, String rulesError, Duration offlineAfter, Instant now) {

    public boolean offline(Sensor s) {
        return s.offline(offlineAfter, now);
    }

    public String siteName(String siteId) {
        return siteId == null ? "" : sites.stream().filter(s -> s.id().equals(siteId)).map(Site::name).findFirst().orElse(siteId);
    }
}
