package io.vigil.detection.auth;

import io.vigil.lib.api.auth.Role.Grant;

import static io.vigil.lib.api.auth.Role.Reach.ALL;
import static io.vigil.lib.api.auth.Role.Reach.CUSTOMER;
import static io.vigil.lib.api.auth.Role.Reach.MSP;
import static io.vigil.lib.api.auth.Role.Reach.NOTHING;

/** The caller kinds detection distinguishes (the tenants service's people roles), from the verified token's roles (highest privilege wins). */
public enum Role implements io.vigil.lib.api.auth.Role {
    PLATFORM_ADMIN(Grant.manages("platform-admin", ALL)),
    MSP_ADMIN(Grant.manages("msp-admin", MSP)),
    /** Acknowledges and resolves alerts like an admin: triage is the analysts' job. */
    MSP_ANALYST(Grant.manages("msp-analyst", MSP)),
    CUSTOMER_VIEWER(Grant.reads("customer-viewer", CUSTOMER)),
    /** A valid token with no role the detection API knows (a sensor's, a service's): sees nothing. */
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
