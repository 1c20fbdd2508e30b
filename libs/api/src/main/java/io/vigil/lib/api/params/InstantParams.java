package io.vigil.lib.api.params;

import io.vigil.lib.api.problem.Problem;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@link Instant} parameters (an alert list's {@code updatedSince}) read as ISO-8601 instants, "2026-12-01T00:00:00Z"
 * or with an offset, "2026-12-01T01:00:00+01:00" (the '+' sent as %2B). Anything else is a 400 problem+json naming the
 * parameter, rather than the 404 JAX-RS gives a query parameter it cannot convert.
 */
@Provider
public class InstantParams implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != Instant.class) {
            return null;
        }
        String name = ParamName.of(annotations);
        return (ParamConverter<T>) new ParamConverter<Instant>() {
            @Override
            public Instant fromString(String value) {
                if (value == null) {
                    return null;
                }
                try {
                    return Instant.parse(value);
                } catch (DateTimeParseException e) {
                    String message = "'" + value + "' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z";
                    ProblemException problem = ProblemException.badRequest(name + ": " + message,
                            List.of(new Problem.FieldError(name, message)));
                    throw new BadRequestException(problem.getMessage(), problem);
                }
            }

            @Override
            public String toString(Instant value) {
                return value == null ? null : value.toString();
            }
        };
    }
}
