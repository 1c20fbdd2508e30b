package io.vigil.lib.api.auth;

import java.util.List;

/**
 * The roles a service honours in tokens, strongest first; a valid token holding none of them is {@link Role#NONE}.
 * Each service produces one bean of this type for {@link CurrentTenant} (tenants honours {@link Role#SERVICE} for
 * its internal API, detection does not).
 *
 * @param strongestFirst the roles looked for in the token, highest privilege first (the first held wins)
 */
public record TokenRoles(List<Role> strongestFirst) {

    public TokenRoles {
        strongestFirst = List.copyOf(strongestFirst);
        if (strongestFirst.contains(Role.NONE) || strongestFirst.contains(Role.ENROLLING_SENSOR)) {
            throw new IllegalArgumentException("NONE and ENROLLING_SENSOR never come from a token");
        }
    }
}
