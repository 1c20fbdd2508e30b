package io.vigil.detection.auth;

import io.vigil.lib.api.auth.TokenRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** Tells the shared CurrentTenant which token roles detection reads; a service account's token maps to NONE here. */
@ApplicationScoped
public class Roles {

    @Produces
    @Singleton
    TokenRoles tokenRoles() {
        return new TokenRoles(List.of(Role.PLATFORM_ADMIN, Role.MSP_ADMIN, Role.MSP_ANALYST, Role.CUSTOMER_VIEWER), Role.NONE);
    }
}
