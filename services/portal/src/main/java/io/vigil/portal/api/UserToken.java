package io.vigil.portal.api;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Token propagation: every API call carries the signed-in user's own access token (from the code flow), so the APIs
 * decide what the user may see and do; the portal never uses a credential of its own. (Quarkus' token-propagation
 * extension would do the same; its 3.33.2 artifact cannot be resolved from Maven Central: its parent pom is missing.)
 */
@ApplicationScoped
public class UserToken implements ClientRequestFilter {

    private final SecurityIdentity identity;

    public UserToken(SecurityIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void filter(ClientRequestContext request) {
        AccessTokenCredential token = identity.getCredential(AccessTokenCredential.class);
        if (token != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token.getToken());
        }
    }
}
