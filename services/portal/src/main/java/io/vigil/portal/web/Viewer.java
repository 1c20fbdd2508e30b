package io.vigil.portal.web;

import io.quarkus.security.identity.SecurityIdentity;
import io.vigil.lib.api.auth.Role;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is signed in, for the pages' wording and which buttons to offer. It never decides what data the user sees: the
 * APIs do that with the user's token, and answer 403 to a button shown by mistake.
 */
@RequestScoped
@Named("viewer")
public class Viewer {

    private final SecurityIdentity identity;
    /** The ID or access token: both carry preferred_username, msp_id and tenant_id (scope vigil-tenancy). */
    private final JsonWebToken token;

    public Viewer(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    public String name() {
        String name = token.getClaim("preferred_username");
        return name != null ? name : identity.getPrincipal().getName();
    }

    public String mspId() {
        return token.getClaim("msp_id");
    }

    public String tenantId() {
        return token.getClaim("tenant_id");
    }

    /** Acknowledge, resolve, comment, suppress. */
    public boolean canTriage() {
        return strongest().may(Role.Action.TRIAGE);
    }

    /** Add sensors; suppress for ever. */
    public boolean canManage() {
        return strongest().may(Role.Action.MANAGE);
    }

    public boolean customerViewer() {
        return strongest().oneCustomer();
    }

    public String role() {
        return Role.PEOPLE.contains(strongest()) ? strongest().claim() : "no Vigil role";
    }

    /** The strongest people role the token holds, as the APIs read it. */
    private Role strongest() {
        return Role.strongest(Role.PEOPLE, identity::hasRole);
    }
}
