package io.vigil.lib.api.auth;

import java.util.List;

/**
 * The roles a service reads from tokens, strongest first, and the one a valid token without any of them gets. Each
 * service produces one bean of this type for {@link CurrentTenant}.
 *
 * @param strongestFirst the roles looked for in the token, highest privilege first (the first held wins)
 * @param none           the role of a token holding none of them; it must reach nothing
 */
public record TokenRoles(List<Role> strongestFirst, Role none) {

    public TokenRoles {
        strongestFirst = List.copyOf(strongestFirst);
        if (none.reach() != Role.Reach.NOTHING || none.manages()) {
            throw new IllegalArgumentException("the fallback role must see and change nothing: " + none.claim());
        }
    }
}
