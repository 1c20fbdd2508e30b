package io.vigil.lib.api.auth;

import io.vigil.lib.api.problem.ProblemException;

/**
 * Every authorization rule of the services, in one place: who reaches which MSP or customer (404 otherwise, like a
 * thing that does not exist), and who may act on what they reach (403). {@link Scope} is the same reach written as a
 * query restriction. Services call these; none compares roles itself.
 */
public final class Access {

    private Access() {
    }

    /** Whether the caller may take {@code action}. */
    public static boolean may(TenantContext ctx, Role.Action action) {
        return ctx.role().may(action);
    }

    /** 403 unless the caller triages (acknowledge, resolve, comment, a customer's rules); call once the target proved visible. */
    public static void requireTriage(TenantContext ctx) {
        require(ctx, Role.Action.TRIAGE, "may read but not change this resource");
    }

    /** 403 unless the caller manages ({@code what}: customers, sensors, notification destinations, MSP-wide rules, ...). */
    public static void requireManage(TenantContext ctx, String what) {
        require(ctx, Role.Action.MANAGE, "may read but only an msp-admin changes " + what);
    }

    /** 403 unless the caller may onboard MSPs (platform-admin). */
    public static void requireOnboard(TenantContext ctx) {
        require(ctx, Role.Action.ONBOARD, "may not onboard MSPs: only a platform-admin does");
    }

    private static void require(TenantContext ctx, Role.Action action, String refusal) {
        if (!may(ctx, action)) {
            throw ProblemException.forbidden("role " + ctx.role().claim() + " " + refusal);
        }
    }

    /** Whether a row of MSP {@code mspId} and customer {@code customerId} (null: MSP-wide) is within the caller's reach. */
    public static boolean sees(TenantContext ctx, String mspId, String customerId) {
        return switch (ctx.role().reach()) {
            case ALL -> true;
            case MSP -> ctx.mspId() != null && ctx.mspId().equals(mspId);
            case CUSTOMER -> ctx.mspId() != null && ctx.mspId().equals(mspId) && customerId != null
                    && customerId.equals(ctx.tenantId());
            case NOTHING -> false;
        };
    }

    /** 404 unless {@link #sees} the customer. */
    public static void requireCustomer(TenantContext ctx, String mspId, String customerId) {
        if (!sees(ctx, mspId, customerId)) {
            throw ProblemException.notFound("customer", customerId);
        }
    }

    /**
     * Whether customer {@code customerId} could be within the caller's reach at all, before anyone looks it up: any for
     * a role reaching all or an MSP (its MSP is not known yet), only its own for a customer-level role, none otherwise.
     */
    public static boolean mayReachCustomer(TenantContext ctx, String customerId) {
        return switch (ctx.role().reach()) {
            case ALL, MSP -> true;
            case CUSTOMER -> customerId != null && customerId.equals(ctx.tenantId());
            case NOTHING -> false;
        };
    }

    /**
     * For a read or change spanning a whole MSP ({@code what}: its summary, alerts, allow-list, audit, ...): its own
     * admins and analysts pass; a customer viewer of that MSP gets 403 (it knows the MSP exists); anyone else 404. A
     * role reaching all passes: the caller then proves that the MSP exists.
     */
    public static void requireMsp(TenantContext ctx, String mspId, String what) {
        switch (ctx.role().reach()) {
            case ALL -> {
            }
            case MSP -> {
                if (!mspId.equals(ctx.mspId())) {
                    throw ProblemException.notFound("MSP", mspId);
                }
            }
            case CUSTOMER -> throw mspId.equals(ctx.mspId())
                    ? ProblemException.forbidden("a customer-viewer reads only its own customer, not its MSP's " + what)
                    : ProblemException.notFound("MSP", mspId);
            case NOTHING -> throw ProblemException.notFound("MSP", mspId);
        }
    }
}
