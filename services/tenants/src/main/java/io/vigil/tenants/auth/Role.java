package io.vigil.tenants.auth;

import io.vigil.lib.api.auth.Role.Grant;

import static io.vigil.lib.api.auth.Role.Reach.ALL;
import static io.vigil.lib.api.auth.Role.Reach.CUSTOMER;
import static io.vigil.lib.api.auth.Role.Reach.MSP;
import static io.vigil.lib.api.auth.Role.Reach.NOTHING;

/** The caller kinds the tenants service distinguishes, from the verified token's roles (highest privilege wins). */
public enum Role implements io.vigil.lib.api.auth.Role {
    PLATFORM_ADMIN(Grant.manages("platform-admin", ALL)),
    MSP_ADMIN(Grant.manages("msp-admin", MSP)),
    /** Reads the MSP's customers, sites and sensors; only its admins change them. */
    MSP_ANALYST(Grant.reads("msp-analyst", MSP)),
    CUSTOMER_VIEWER(Grant.reads("customer-viewer", CUSTOMER)),
    /** Another Vigil service's account, holding the tenants client role "internal-read". */
    SERVICE(Grant.reads("internal-read", ALL)),
    /** A sensor redeeming its enrollment token: scoped to the one customer the token belongs to. */
    ENROLLING_SENSOR(Grant.reads("enrolling-sensor", CUSTOMER)),
    /** A valid token with no role the tenants API knows (a sensor's, say): sees nothing. */
    NONE(Grant.reads("none", NOTHING));

    private final Grant grant;

    Role(Grant grant) {
        this.grant = grant;
    }

    @Override
    public Grant grant() {
        return grant;
    }
}
