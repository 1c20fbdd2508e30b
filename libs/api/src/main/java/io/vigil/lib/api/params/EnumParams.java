package io.vigil.lib.api.params;

import io.vigil.lib.api.problem.ProblemException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Enum parameters (a list's {@code status}, {@code family}, {@code type} filters) that say what they take. Without it,
 * JAX-RS answers a value no constant has with 404, as if the list did not exist; here it is a 400 problem+json naming
 * the parameter and its values.
 */
@Provider
public class EnumParams implements ParamConverterProvider {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (!rawType.isEnum()) {
            return null;
        }
        String name = ParamName.of(annotations);
        Class<? extends Enum> type = (Class<? extends Enum>) rawType;
        return new ParamConverter<T>() {
            @Override
            public T fromString(String value) {
                if (value == null) {
                    return null;
                }
                try {
                    return (T) Enum.valueOf(type, value);
                } catch (IllegalArgumentException e) {
                    String detail = name + ": '" + value + "' is not one of " + Arrays.stream(type.getEnumConstants())
                            .map(c -> ((Enum<?>) c).name()).collect(Collectors.joining(", "));
                    ProblemException problem = ProblemException.badRequest(detail);
                    throw new BadRequestException(detail, problem);
                }
            }

            @Override
            public String toString(T value) {
                return value == null ? null : ((Enum<?>) value).name();
            }
        };
    }
}
