package io.vigil.tenants.idempotency.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.problem.ProblemException;
import io.vigil.lib.api.id.Ids;
import io.vigil.tenants.idempotency.IdempotencyRecord;
import io.vigil.tenants.idempotency.repository.IdempotencyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes a POST safe to retry: with an Idempotency-Key, the first successful response is stored in the same
 * transaction as the change it made, and a retry with the same body gets that response again instead of a second change.
 */
@ApplicationScoped
public class Idempotency {

    private final IdempotencyRepository records;
    private final ObjectMapper json;

    public Idempotency(IdempotencyRepository records, ObjectMapper json) {
        this.records = records;
        this.json = json;
    }

    /**
     * What a POST answered: status, Location (a path, may be null), the body, and what of it may be stored (a body
     * holding a one-time secret is stored without it, and a retry is answered by a replay function instead).
     */
    public record Outcome(int status, String location, Object body, Object stored) {
        public Outcome(int status, String location, Object body) {
            this(status, location, body, body);
        }
    }

    /**
     * Runs {@code action} once per (caller, key). {@code request} is what identifies the request's meaning (operation
     * and parsed body); a retry whose request differs answers 422.
     */
    public Uni<Response> run(TenantContext ctx, String key, String operation, Object request, Supplier<Uni<Outcome>> action) {
        return run(ctx, key, operation, request, action, null);
    }

    /**
     * As above, but a retry is answered by {@code replay} (given the stored Location) rather than the stored body:
     * for responses that carry a secret, which must not be stored in plain text.
     */
    @WithTransaction
    public Uni<Response> run(TenantContext ctx, String key, String operation, Object request, Supplier<Uni<Outcome>> action,
                             Function<String, Uni<Outcome>> replay) {
        if (key == null) {
            return action.get().map(o -> response(o.status(), o.location(), write(o.body())));
        }
        if (key.isBlank() || key.length() > 200) {
            throw ProblemException.badRequest("Idempotency-Key: must be 1 to 200 characters");
        }
        String hash = Ids.sha256(operation + "\n" + write(request));
        return records.find(ctx, key).chain(existing -> {
            if (existing != null) {
                if (!existing.requestHash.equals(hash)) {
                    return Uni.createFrom().failure(new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                            "Idempotency-Key '" + key + "' was already used for a different request; use a new key for a new request"));
                }
                if (replay != null) {
                    return replay.apply(existing.location).map(o -> response(o.status(), o.location(), write(o.body())));
                }
                return Uni.createFrom().item(response(existing.status, existing.location, existing.body));
            }
            return action.get().chain(o -> {
                IdempotencyRecord r = new IdempotencyRecord();
                r.caller = ctx.actor();
                r.key = key;
                r.requestHash = hash;
                r.status = o.status();
                r.location = o.location();
                r.body = write(o.stored());
                r.createdAt = Instant.now();
                return records.persistAndFlush(r).map(saved -> response(o.status(), o.location(), write(o.body())));
            });
        });
    }

    private static Response response(int status, String location, String body) {
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
        if (location != null) {
            b.location(URI.create(location));
        }
        return b.build();
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }
}
