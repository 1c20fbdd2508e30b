package io.vigil.tenants.site.rest;

import io.vigil.tenants.site.Site;

import java.time.Instant;

/** A site as the API shows it. */
public record SiteView(String id, String customerId, String name, String address, Instant createdAt) {

    public static SiteView of(Site s) {
        return new SiteView(s.id, s.customerId, s.name, s.address, s.createdAt);
    }
}
