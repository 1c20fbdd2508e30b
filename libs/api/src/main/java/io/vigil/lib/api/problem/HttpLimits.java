package io.vigil.lib.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Enforces the request size limits with problem+json answers. The Vert.x server's own limits answer 413, 414 and 431
 * with an empty body, so this library raises them (META-INF/microprofile-config.properties) above the limits enforced
 * here, ahead of every other route. A chunked body (no Content-Length) is read here, up to the limit, and handed on
 * whole: otherwise Quarkus' reader would hit the limit in the middle of the resource's deserialisation, answer an empty
 * 413, and leave the resource to fail on a closed connection with two stack traces per request.
 */
@ApplicationScoped
public class HttpLimits {

    private static final Logger LOG = Logger.getLogger(HttpLimits.class);

    private final ObjectMapper json;
    private final int maxUri;
    private final int maxHeaders;
    private final long maxBody;

    public HttpLimits(ObjectMapper json,
                      @ConfigProperty(name = "vigil.http.max-uri-length", defaultValue = "4096") int maxUri,
                      @ConfigProperty(name = "vigil.http.max-header-size", defaultValue = "20K") MemorySize maxHeaders,
                      @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody) {
        this.json = json;
        this.maxUri = maxUri;
        this.maxHeaders = (int) maxHeaders.asLongValue();
        this.maxBody = maxBody.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (request.uri().length() > maxUri) {
            refuse(rc, 414, "uri-too-long", "URI too long", "the request URI has " + request.uri().length()
                    + " characters; the limit is " + maxUri);
            return;
        }
        int headers = headerBytes(request);
        if (headers > maxHeaders) {
            refuse(rc, 431, "headers-too-large", "Request headers too large", "the request headers have " + headers
                    + " bytes; the limit is " + maxHeaders);
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            refuse(rc, 413, "body-too-large", "Request body too large", "the request body has " + length
                    + " bytes; the limit is " + maxBody);
            return;
        }
        if (length == null && chunked(request)) {
            readChunked(rc);
            return;
        }
        rc.next();
    }

    private static boolean chunked(HttpServerRequest request) {
        String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    /** Reads a chunked body up to the limit and passes it on as the request's body; beyond the limit, 413 at once. */
    private void readChunked(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBody) {
                refused[0] = true;
                LOG.infof("%s %s: chunked request body over %d bytes refused", request.method(), request.path(), maxBody);
                refuse(rc, 413, "body-too-large", "Request body too large", "the request body has more than " + maxBody
                        + " bytes; the limit is " + maxBody);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!refused[0]) {
                rc.setBody(body);
                rc.next();
            }
        });
        request.resume();
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip()) > maxBody;
        } catch (NumberFormatException e) {
            return false; // the HTTP codec refuses a malformed Content-Length before any route
        }
    }

    /** The header section's size as the HTTP codec counts it: "name: value" per header, without line ends. */
    private static int headerBytes(HttpServerRequest request) {
        int bytes = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            bytes += h.getKey().length() + 2 + h.getValue().length();
        }
        return bytes;
    }

    private void refuse(RoutingContext rc, int status, String type, String title, String detail) {
        String body;
        try {
            body = json.writeValueAsString(new Problem(Problem.BASE + type, title, status, detail, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // the request's body is not read: close the connection rather than wait for it (as Quarkus' own 413 does)
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(v -> rc.request().connection().close())
                .end(body);
    }
}
