package io.vigil.tenants.auth;

/** The caller kinds the tenants service distinguishes, from the verified token's roles (highest privilege wins). */
public enum Role {
    PLATFORM_ADMIN("platform-admin"),
    MSP_ADMIN("msp-admin"),
    MSP_ANALYST("msp-analyst"),
    CUSTOMER_VIEWER("customer-viewer"),
    /** Another Vigil service's account, holding the tenants client role "internal-read". */
    SERVICE("internal-read"),
    /** A sensor redeeming its enrollment token: scoped to the one customer the token belongs to. */
    ENROLLING_SENSOR("enrolling-sensor"),
    /** A valid token with no role the tenants API knows (a sensor's, say): sees nothing. */
    NONE("none");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    /** The role's name in tokens and @RolesAllowed. */
    public String claim() {
        return claim;
    }
}
