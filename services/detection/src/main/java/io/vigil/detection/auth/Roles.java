package io.vigil.detection.auth;

import io.vigil.lib.api.auth.Role;
import io.vigil.lib.api.auth.TokenRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Tells the shared CurrentTenant which token roles detection honours: people only; a service's or sensor's token is NONE. */
@ApplicationScoped
public class Roles {

    @Produces
    @Singleton
    TokenRoles tokenRoles() {
        return new TokenRoles(Role.PEOPLE);
    }
}
