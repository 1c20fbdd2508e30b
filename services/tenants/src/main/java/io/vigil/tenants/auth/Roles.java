package io.vigil.tenants.auth;

import io.vigil.lib.api.auth.Role;
import io.vigil.lib.api.auth.TokenRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** Tells the shared CurrentTenant which token roles the tenants service reads (an enrolling sensor never comes from a token). */
@ApplicationScoped
public class Roles {

    @Produces
    @Singleton
    TokenRoles tokenRoles() {
        return new TokenRoles(List.of(Role.PLATFORM_ADMIN, Role.MSP_ADMIN, Role.MSP_ANALYST, Role.CUSTOMER_VIEWER, Role.SERVICE));
    }
}
