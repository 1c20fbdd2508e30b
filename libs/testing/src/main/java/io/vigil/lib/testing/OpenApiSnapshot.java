package io.vigil.lib.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The published OpenAPI document against a reviewed copy kept in the service's test resources, compared as JSON (key
 * order does not matter), so an API change is never accidental. After a deliberate change, run the test with
 * {@code -Dvigil.openapi.update=true} and review the snapshot's diff.
 */
public final class OpenApiSnapshot {

    private OpenApiSnapshot() {
    }

    /** Fails with the JSON pointers that differ (the first 20) unless {@code /q/openapi} equals {@code snapshot}. */
    public static void assertMatches(Path snapshot) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode published = json.readTree(RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
        if (Boolean.getBoolean("vigil.openapi.update")) {
            Files.createDirectories(snapshot.getParent());
            Files.writeString(snapshot, json.writerWithDefaultPrettyPrinter().writeValueAsString(published) + "\n");
        }
        if (!Files.exists(snapshot)) {
            throw new AssertionError(snapshot + " is missing; create it with -Dvigil.openapi.update=true");
        }
        List<String> changed = new ArrayList<>();
        diff("", json.readTree(snapshot.toFile()), published, changed);
        if (!changed.isEmpty()) {
            throw new AssertionError("/q/openapi changed at " + changed.stream().limit(20).toList()
                    + "; if on purpose, run with -Dvigil.openapi.update=true and review the diff of " + snapshot);
        }
    }

    /** JSON pointers where the two documents differ (object key order ignored). */
    static void diff(String at, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.isObject() && actual.isObject()) {
            Set<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode e = expected.get(k);
                JsonNode a = actual.get(k);
                if (e == null || a == null) {
                    out.add(at + "/" + k + (e == null ? " (added)" : " (removed)"));
                } else {
                    diff(at + "/" + k, e, a, out);
                }
            }
        } else if (!expected.equals(actual)) {
            out.add(at);
        }
    }
}
