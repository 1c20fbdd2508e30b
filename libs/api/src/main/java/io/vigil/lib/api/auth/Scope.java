package io.vigil.lib.api.auth;

import io.quarkus.panache.common.Parameters;

/**
 * The one place that turns a TenantContext into a query restriction on rows carrying msp_id and customer id (the
 * query form of {@link Access#sees}), so repositories cannot forget or vary it.
 *
 * @param where  an HQL condition to AND into the query
 * @param params its named parameters (names start with "scope")
 */
public record Scope(String where, Parameters params) {

    /**
     * The restriction for an entity whose MSP is the property {@code mspProperty} and whose customer is
     * {@code customerProperty}.
     */
    public static Scope of(TenantContext ctx, String mspProperty, String customerProperty) {
        return switch (ctx.role().reach()) {
            case ALL -> new Scope("1 = 1", new Parameters());
            case MSP -> ctx.mspId() == null ? none()
                    : new Scope(mspProperty + " = :scopeMsp", Parameters.with("scopeMsp", ctx.mspId()));
            case CUSTOMER -> ctx.mspId() == null || ctx.tenantId() == null ? none()
                    : new Scope(mspProperty + " = :scopeMsp and " + customerProperty + " = :scopeTenant",
                    Parameters.with("scopeMsp", ctx.mspId()).and("scopeTenant", ctx.tenantId()));
            case NOTHING -> none();
        };
    }

    /**
     * The restriction for MSP rows themselves, whose id is {@code idProperty}: an MSP is its own msp_id, and no
     * customer-level role reaches the MSP itself (it reads only its customer).
     */
    public static Scope ofMsp(TenantContext ctx, String idProperty) {
        return switch (ctx.role().reach()) {
            case ALL -> new Scope("1 = 1", new Parameters());
            case MSP -> ctx.mspId() == null ? none()
                    : new Scope(idProperty + " = :scopeMsp", Parameters.with("scopeMsp", ctx.mspId()));
            case CUSTOMER, NOTHING -> none();
        };
    }

    private static Scope none() {
        return new Scope("1 = 0", new Parameters());
    }

    /** Parameters of this scope plus the caller's own. */
    public Parameters with(Parameters own) {
        Parameters all = new Parameters();
        params.map().forEach(all::and);
        own.map().forEach(all::and);
        return all;
    }
}
