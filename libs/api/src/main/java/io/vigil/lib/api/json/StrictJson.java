package io.vigil.lib.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Refuses a JSON object that names a field twice ({"token":"a","token":"b"}): which one wins differs between parsers,
 * so such a body is ambiguous, and Jackson's record creators fail on it with a server error. With duplicate detection
 * the parser refuses it, and ProblemMappers answers 400.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
