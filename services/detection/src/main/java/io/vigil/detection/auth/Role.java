package io.vigil.detection.auth;

/** The caller kinds detection distinguishes (the same as the tenants service), from the verified token's roles (highest privilege wins). */
public enum Role {
    PLATFORM_ADMIN("platform-admin"),
    MSP_ADMIN("msp-admin"),
    MSP_ANALYST("msp-analyst"),
    CUSTOMER_VIEWER("customer-viewer"),
    /** A valid token with no role the detection API knows (a sensor's, a service's): sees nothing. */
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
