package io.vigil.lib.api.auth;

/**
 * A caller kind a service reads from the verified token. Each service declares its own enum of these (the roles it
 * knows and what each may do there); the shared code only asks how far a role reaches and whether it may change.
 */
public interface Role {

    /** The role's token claim, reach and permission, as the service declares them. */
    Grant grant();

    /** The role's name in tokens and @RolesAllowed. */
    default String claim() {
        return grant().claim();
    }

    /** Which rows the role sees. */
    default Reach reach() {
        return grant().reach();
    }

    /** Whether the role may change what it sees (create, change, delete, triage), not only read it. */
    default boolean manages() {
        return grant().manages();
    }

    /**
     * What a role is in one service.
     *
     * @param claim   the role's name in tokens and @RolesAllowed
     * @param reach   which rows it sees
     * @param manages whether it may change them
     */
    record Grant(String claim, Reach reach, boolean manages) {

        public static Grant reads(String claim, Reach reach) {
            return new Grant(claim, reach, false);
        }

        public static Grant manages(String claim, Reach reach) {
            return new Grant(claim, reach, true);
        }
    }

    /** How far a role's view extends over MSPs and their customers. */
    enum Reach {
        /** Every MSP and customer. */
        ALL,
        /** The caller's MSP (msp_id claim) and all its customers. */
        MSP,
        /** One customer (tenant_id claim) of the caller's MSP. */
        CUSTOMER,
        /** Nothing at all. */
        NOTHING
    }
}
