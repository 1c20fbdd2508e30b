package io.vigil.portal.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;

/**
 * Readable error pages instead of stack traces: the API's own reason (problem+json detail) when it refused, which
 * service is down when one does not answer, and a re-login button when the user's token is no longer accepted.
 */
public class ErrorPages {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String tenantsUrl;
    private final String detectionUrl;

    public ErrorPages(@ConfigProperty(name = "vigil.tenants.url") String tenantsUrl,
                      @ConfigProperty(name = "vigil.detection.url") String detectionUrl) {
        this.tenantsUrl = tenantsUrl;
        this.detectionUrl = detectionUrl;
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(int status, String title, String message, String detail, String relogin);
    }

    /** The API refused the user's token: it expired or was revoked while the portal session lived on. */
    public static boolean sessionExpired(Throwable e) {
        return e instanceof ClientWebApplicationException w && status(w) == 401;
    }

    /** A short reason for one row of a page that asked many customers. */
    public static String describe(Throwable e) {
        if (e instanceof WebApplicationException w) {
            String detail = problemDetail(w);
            return "HTTP " + status(w) + (detail == null ? "" : ": " + detail);
        }
        return e instanceof ProcessingException ? "not answering" : e.getClass().getSimpleName();
    }

    @ServerExceptionMapper
    public Response api(WebApplicationException e, UriInfo uri) {
        return forStatus(e, uri.getRequestUri());
    }

    /** The page for an HTTP error, from an API ({@link ClientWebApplicationException}) or the portal's own routing. */
    public Response forStatus(WebApplicationException e, URI requestUri) {
        int status = status(e);
        boolean fromApi = e instanceof ClientWebApplicationException;
        String detail = fromApi ? problemDetail(e) : null;
        return switch (status) {
            case 401 -> page(401, "Your session has expired", "Vigil no longer accepts your sign-in. Sign in again to "
                    + "continue where you were.", detail, relogin(requestUri));
            case 403 -> page(403, "Not allowed", "Your role may read this but not change it.", detail, null);
            case 404 -> page(404, "Not found", "There is nothing here, or it is not one of your customers.", detail, null);
            case 409 -> page(409, "Already changed", "Someone changed this meanwhile, or it is resolved already.", detail, null);
            case 400, 422 -> page(400, "Not accepted", "The service did not accept what was sent.", detail, null);
            default -> {
                LOG.warnf("%s %s answered %d: %s", requestUri, fromApi ? "an API" : "the portal", status, detail);
                yield page(status >= 500 ? 502 : status, "Something went wrong",
                        "A Vigil service answered with an error (HTTP " + status + "). Try again in a moment.", detail, null);
            }
        };
    }

    /** Anything else: a service that does not answer (connection refused, timeout), or a fault of the portal. */
    @ServerExceptionMapper
    public Response other(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WebApplicationException w) {
                return forStatus(w, uri.getRequestUri());
            }
            if (t instanceof ProcessingException || t instanceof java.net.ConnectException
                    || t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return unreachable(e, uri);
            }
        }
        LOG.errorf(e, "%s failed", uri.getRequestUri());
        return page(500, "Something went wrong", "The portal could not show this page. Try again in a moment.", null, null);
    }

    private Response unreachable(Throwable e, UriInfo uri) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(' ');
        }
        String message = messages.toString().trim();
        String service = mentions(message, detectionUrl) ? "The detection service" : mentions(message, tenantsUrl)
                ? "The tenants service" : "A Vigil service";
        LOG.warnf("%s: %s", uri.getRequestUri(), message);
        return page(503, service + " is not answering", "The portal shows nothing rather than something stale. "
                + "Try again in a moment; if it stays down, tell your Vigil operator.", e.getMessage(), null);
    }

    private static boolean mentions(String message, String url) {
        URI u = URI.create(url);
        return u.getPort() > 0 && message.contains(":" + u.getPort());
    }

    private static String relogin(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        return "/relogin?to=" + java.net.URLEncoder.encode(path + (query == null ? "" : "?" + query),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    static Response page(int status, String title, String message, String detail, String relogin) {
        String html = Templates.error(status, title, message, detail, relogin).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    /** The HTTP status an API answered with; 503 when it did not answer. */
    static int status(Throwable e) {
        return e instanceof WebApplicationException w ? status(w) : 503;
    }

    private static int status(WebApplicationException e) {
        return e.getResponse() == null ? 500 : e.getResponse().getStatus();
    }

    /** The problem+json {@code detail} (and the first field error) of an API's answer, if it has one. */
    static String problemDetail(WebApplicationException e) {
        try {
            Response r = e.getResponse();
            if (r == null || !r.hasEntity()) {
                return null;
            }
            JsonNode problem = JSON.readTree(r.readEntity(String.class));
            String detail = problem.path("detail").asText(problem.path("title").asText(null));
            JsonNode first = problem.path("errors").path(0);
            if (!first.isMissingNode()) {
                detail = (detail == null ? "" : detail + ": ") + first.path("field").asText() + " " + first.path("message").asText();
            }
            return detail;
        } catch (RuntimeException | java.io.IOException unreadable) {
            return null;
        }
    }
}
