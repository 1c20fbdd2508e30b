package io.vigil.detection.openapi;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.lib.testing.OpenApiSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Paths;

/** Detection's published OpenAPI document is the reviewed one: an API change is never an accident. */
@QuarkusTest
class OpenApiSnapshotIT {

    @Test
    void publishedSpecMatchesTheReviewedSnapshot() throws IOException {
        OpenApiSnapshot.assertMatches(Paths.get("src", "test", "resources", "openapi", "detection-v1.json"));
    }
}
