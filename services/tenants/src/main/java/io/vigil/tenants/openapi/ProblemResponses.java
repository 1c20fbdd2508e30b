package io.vigil.tenants.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem.HttpMethod;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents the problem+json error answers of every operation, derived from its shape, so the published spec cannot
 * forget them: 401/403 when it needs a bearer token, 404 with a path id, 400 with a body or query, 409 for writes, 422
 * with an Idempotency-Key, 502 where Keycloak is called, 503 where the sensor package is served, 500 always.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponses implements OASFilter {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final String REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents() == null ? OASFactory.createComponents() : api.getComponents();
        components.addSchema("Problem", problemSchema());
        api.setComponents(components);
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> document(path, method, op)));
    }

    private static void document(String path, HttpMethod method, Operation op) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<Parameter> params = op.getParameters() == null ? List.of() : op.getParameters();
        boolean write = method != HttpMethod.GET;
        if (op.getRequestBody() != null || params.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY)) {
            errors.put("400", "Invalid request (type validation): the field and the reason");
        }
        if (secured(op)) {
            errors.put("401", "No valid bearer token (type unauthorized)");
            errors.put("403", "The caller's role may not do this (type forbidden)");
        } else if (path.endsWith("/enroll") || params.stream().anyMatch(p -> "token".equals(p.getName()))) {
            errors.put("401", "Enrollment token unknown, used or expired (type enrollment-token-refused)");
        }
        if (params.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH)) {
            errors.put("404", "Not found, or outside the caller's scope (type not-found)");
        }
        if (write && secured(op)) {
            errors.put("409", "Conflicts with existing data, or state does not allow it (type conflict)");
        }
        if (params.stream().anyMatch(p -> p.getIn() == Parameter.In.HEADER && "Idempotency-Key".equalsIgnoreCase(p.getName()))) {
            errors.put("422", "Idempotency-Key already used for another request (type idempotency-key-reused)");
        }
        if (write && path.contains("/sensors")) {
            errors.put("502", "Keycloak failed; nothing was changed (type identity-provider)");
        }
        if (path.endsWith("/sensor-package") || path.endsWith("/install")) {
            errors.put("503", "No sensor package on the server (type sensor-package-unavailable)");
        }
        errors.put("500", "Unexpected error (type internal)");

        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        errors.forEach((status, description) -> {
            APIResponse r = responses.getAPIResponse(status);
            if (r == null) {
                r = OASFactory.createAPIResponse();
                responses.addAPIResponse(status, r);
            }
            r.description(description).content(OASFactory.createContent().addMediaType(PROBLEM_JSON,
                    OASFactory.createMediaType().schema(OASFactory.createSchema().ref(REF))));
        });
        op.setResponses(responses);
    }

    /** Public operations say so explicitly (an empty security requirement); every other one needs a bearer token. */
    static boolean secured(Operation op) {
        return op.getSecurity() == null || !op.getSecurity().isEmpty()
                && op.getSecurity().stream().noneMatch(r -> r.getSchemes() == null || r.getSchemes().isEmpty());
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(SchemaType.OBJECT)
                .addProperty("field", string).addProperty("message", string);
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("RFC 9457 problem details; type is stable (https://vigil.io/problems/<type>)")
                .addProperty("type", OASFactory.createSchema().addType(SchemaType.STRING).format("uri"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY).items(fieldError))
                .required(List.of("type", "title", "status"));
    }
}
