package io.vigil.lib.api.auth;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every kind of caller Vigil's services tell apart, the one list: its name in tokens (and, through {@link Names}, in
 * {@code @RolesAllowed}), how far it reaches, and which actions it may take. What an endpoint needs is decided by
 * {@link Access} from these, so the services, and the portal's buttons, cannot drift apart.
 */
public enum Role {
    PLATFORM_ADMIN(Names.PLATFORM_ADMIN, Reach.ALL, Set.of(Action.TRIAGE, Action.MANAGE, Action.ONBOARD)),
    MSP_ADMIN(Names.MSP_ADMIN, Reach.MSP, Set.of(Action.TRIAGE, Action.MANAGE)),
    /** Triage is the analysts' job; the MSP's customers, sensors and notification settings are its admins'. */
    MSP_ANALYST(Names.MSP_ANALYST, Reach.MSP, Set.of(Action.TRIAGE)),
    CUSTOMER_VIEWER(Names.CUSTOMER_VIEWER, Reach.CUSTOMER, Set.of()),
    /** Another Vigil service's account (the vigil-tenants client role internal-read): reads the internal API only. */
    SERVICE(Names.SERVICE, Reach.ALL, Set.of()),
    /** A sensor redeeming its enrollment token: scoped to that token's customer; never from a token. */
    ENROLLING_SENSOR("enrolling-sensor", Reach.CUSTOMER, Set.of()),
    /** A valid token with no role the service reads (a sensor's, say): sees nothing. */
    NONE("none", Reach.NOTHING, Set.of());

    /** The token names, as constants for {@code @RolesAllowed}. */
    public static final class Names {
        public static final String PLATFORM_ADMIN = "platform-admin";
        public static final String MSP_ADMIN = "msp-admin";
        public static final String MSP_ANALYST = "msp-analyst";
        public static final String CUSTOMER_VIEWER = "customer-viewer";
        public static final String SERVICE = "internal-read";

        private Names() {
        }
    }

    /** The roles of people, strongest first (the first a token holds wins). */
    public static final List<Role> PEOPLE = List.of(PLATFORM_ADMIN, MSP_ADMIN, MSP_ANALYST, CUSTOMER_VIEWER);

    /** How far a role's view extends over MSPs and their customers. */
    public enum Reach {
        /** Every MSP and customer. */
        ALL,
        /** The caller's MSP (msp_id claim) and all its customers. */
        MSP,
        /** One customer (tenant_id claim) of the caller's MSP. */
        CUSTOMER,
        /** Nothing at all. */
        NOTHING
    }

    /** What a role may do to what it sees, beyond reading it. */
    public enum Action {
        /** Acknowledge, resolve and comment on alerts; a customer's allow-list entries and suppressions. */
        TRIAGE,
        /** Customers, sites, sensors, notification destinations, MSP-wide rules, permanent or broad rules. */
        MANAGE,
        /** Onboard MSPs. */
        ONBOARD
    }

    private final String claim;
    private final Reach reach;
    private final Set<Action> actions;

    Role(String claim, Reach reach, Set<Action> actions) {
        this.claim = claim;
        this.reach = reach;
        this.actions = actions;
    }

    /** The role's name in tokens and {@code @RolesAllowed}. */
    public String claim() {
        return claim;
    }

    /** Which rows the role sees. */
    public Reach reach() {
        return reach;
    }

    public boolean may(Action action) {
        return actions.contains(action);
    }

    /** Reaches one customer only (a customer's own people). */
    public boolean oneCustomer() {
        return reach == Reach.CUSTOMER;
    }

    /** The first of {@code honoured} (strongest first) that {@code holds}, or {@link #NONE}. */
    public static Role strongest(List<Role> honoured, Predicate<String> holds) {
        return honoured.stream().filter(r -> holds.test(r.claim)).findFirst().orElse(NONE);
    }
}
