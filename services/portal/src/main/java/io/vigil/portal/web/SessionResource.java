package io.vigil.portal.web;

import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/** Signing in again after an API refused the user's token, and the page shown after signing out. */
@Path("/")
public class SessionResource {

    private final OidcSession session;

    public SessionResource(OidcSession session) {
        this.session = session;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signedOut();
    }

    /** Drops the portal's session (its tokens) and goes back to {@code to}, which starts a fresh sign-in. */
    @GET
    @Path("relogin")
    public Uni<Response> relogin(@QueryParam("to") String to) {
        String target = LocalPath.or(to, "/");
        return session.logout().map(x -> Response.seeOther(URI.create(target)).build());
    }

    @GET
    @Path("signed-out")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance signedOut() {
        return Templates.signedOut();
    }
}
