package io.vigil.portal.api;

/** A customer's site as the tenants API shows it. */
public record Site(String id, String customerId, String name, String address) {
}
