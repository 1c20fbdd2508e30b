package io.vigil.portal.web;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import java.util.Optional;
import java.util.Set;

/**
 * Refuses every state-changing request to the portal's pages (POST, PUT, PATCH, DELETE) whose form does not carry
 * this session's {@link FormToken}, before the resource runs: a new form without the field fails at once, never
 * silently open. (Sign-out is Quarkus OIDC's own path, before any resource: see {@link SecurityHeaders}.)
 */
public class FormTokenCheck {

    private static final Logger LOG = Logger.getLogger(FormTokenCheck.class);
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final FormToken token;

    public FormTokenCheck(FormToken token) {
        this.token = token;
    }

    @ServerRequestFilter(readBody = true)
    public Optional<Response> check(ResteasyReactiveContainerRequestContext request) {
        if (SAFE.contains(request.getMethod())) {
            return Optional.empty();
        }
        Object sent = ((ResteasyReactiveRequestContext) request.getServerRequestContext()).getFormParameter(FormToken.FIELD, true, false);
        if (sent instanceof String s && token.matches(s)) {
            return Optional.empty();
        }
        LOG.infof("%s %s refused: its form token is missing or not this session's", request.getMethod(),
                request.getUriInfo().getPath());
        return Optional.of(ErrorPages.page(403, "This form cannot be sent", "It was not made for your current session."
                + " Open the page again and repeat what you did.", null, null));
    }
}
