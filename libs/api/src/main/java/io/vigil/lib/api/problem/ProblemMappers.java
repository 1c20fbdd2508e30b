package io.vigil.lib.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.inject.Instance;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Every error leaves the service as application/problem+json with a stable type, never as a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final ConflictDetails conflicts;

    public ProblemMappers(Instance<ConflictDetails> conflicts) {
        this.conflicts = conflicts.isResolvable() ? conflicts.get() : constraint -> null;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(ProblemException.badRequest(detail, errors).problem());
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = path(e);
        return respond(ProblemException.badRequest("unknown field '" + field + "'; known fields: "
                        + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")),
                List.of(new Problem.FieldError(field, "unknown field"))).problem());
    }

    /** Overrides Quarkus' own mapper for this type, whose body is not problem+json. */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        return badJson(e);
    }

    /**
     * Overrides Quarkus' own mapper for this type (a 500 with a stack trace): Jackson reports some bodies that do not
     * fit a record's creator this way. The body is the caller's, so it is a 400; one line is logged in case it is not.
     */
    @ServerExceptionMapper
    public Response badDefinition(InvalidDefinitionException e) {
        LOG.warnf("request body refused as not fitting its type: %s", e.getOriginalMessage());
        return respond(ProblemException.badRequest("the body does not fit this operation: " + e.getOriginalMessage()).problem());
    }

    @ServerExceptionMapper
    public Response badJson(JsonMappingException e) {
        String field = path(e);
        String detail = field.isEmpty() ? "malformed JSON: " + e.getOriginalMessage()
                : "field '" + field + "' has the wrong type or format: " + e.getOriginalMessage();
        return respond(ProblemException.badRequest(detail).problem());
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return respond(ProblemException.badRequest("malformed JSON: " + e.getOriginalMessage()).problem());
    }

    /** A unique constraint: a name already taken, or two concurrent requests with one Idempotency-Key. */
    @ServerExceptionMapper
    public Response database(PgException e) {
        return database(e, e.getSqlState(), e.getConstraint());
    }

    /** The same, as Hibernate Reactive reports it from a flush. */
    @ServerExceptionMapper
    public Response database(org.hibernate.exception.ConstraintViolationException e) {
        return database(e, e.getSQLState(), e.getConstraintName());
    }

    private Response database(Exception e, String sqlState, String constraint) {
        if ("23505".equals(sqlState)) {
            String detail = constraint == null ? null : conflicts.detail(constraint);
            if (detail == null) {
                detail = "the request conflicts with existing data";
            }
            return respond(ProblemException.conflict(detail).problem());
        }
        if ("22021".equals(sqlState)) {
            // character_not_in_repertoire: a NUL or invalid UTF-8 in an id or filter, which PostgreSQL text refuses.
            return respond(ProblemException.badRequest("the request contains a character that is not allowed (NUL or invalid UTF-8)").problem());
        }
        LOG.errorf(e, "database error");
        return respond(new Problem(Problem.BASE + "internal", "Internal error", 500, "database error", null));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return respond(new Problem(Problem.BASE + "unauthorized", "Unauthorized", 401, "a valid bearer token is required", null));
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e) {
        return respond(new Problem(Problem.BASE + "unauthorized", "Unauthorized", 401, "a valid bearer token is required", null));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(ProblemException.forbidden("the token's roles do not allow this operation").problem());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof ProblemException problem) {
            // A parameter converter's refusal (EnumParams), which JAX-RS may only throw as a WebApplicationException.
            return respond(problem.problem());
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus wraps a body that is not JSON at all (truncated, say) before any mapper of ours sees it.
            return json instanceof JsonMappingException mapping ? badJson(mapping) : badJson(json);
        }
        if (status == 400 && e.getCause() == null && e.getMessage() != null && e.getMessage().startsWith("HTTP 400")) {
            return respond(ProblemException.badRequest("malformed JSON: the body could not be parsed").problem());
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        String type = status == 404 ? "not-found" : status == 405 ? "method-not-allowed" : status == 415 ? "unsupported-media-type" : "http-" + status;
        return respond(new Problem(Problem.BASE + type, title, status, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (tooLarge(e)) {
            // Quarkus' body reader stopped at the size limit (a body HttpLimits could not measure first): a 413, not a bug
            LOG.infof("request body over the size limit refused: %s", e.getMessage());
            return respond(new Problem(Problem.BASE + "body-too-large", "Request body too large", 413,
                    "the request body is larger than the limit", null));
        }
        // Hibernate Reactive may wrap the driver's exception (a unique violation, say) in its own.
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof PgException pg) {
                return database(pg);
            }
            if (c instanceof org.hibernate.exception.ConstraintViolationException cv) {
                return database(cv);
            }
            if (c instanceof org.hibernate.JDBCException jdbc && jdbc.getSQLState() != null) {
                return database(jdbc, jdbc.getSQLState(), null);
            }
        }
        LOG.errorf(e, "unexpected error");
        return respond(new Problem(Problem.BASE + "internal", "Internal error", 500, "unexpected error; see the service log", null));
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException && "Request too large".equals(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    /** "internalNetworks[2]" rather than "create.body.internalNetworks[2].<list element>"; a query parameter by its name. */
    private static String field(ConstraintViolation<?> v) {
        StringBuilder sb = new StringBuilder();
        for (Path.Node node : v.getPropertyPath()) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, RETURN_VALUE, CROSS_PARAMETER -> {
                }
                case PARAMETER -> {
                    if (!"body".equals(node.getName())) {
                        sb.append(node.getName());
                    }
                }
                case CONTAINER_ELEMENT -> {
                    if (node.getIndex() != null) {
                        sb.append('[').append(node.getIndex()).append(']');
                    }
                }
                default -> {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(node.getName());
                    if (node.getIndex() != null) {
                        sb.append('[').append(node.getIndex()).append(']');
                    }
                }
            }
        }
        return sb.length() == 0 ? "body" : sb.toString();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
