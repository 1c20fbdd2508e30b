package io.vigil.detection.notify.rest;

import io.vigil.detection.model.Severity;
import io.vigil.detection.notify.NotificationEvent;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Set;

/** The body of PATCH .../notifications/{id}: the fields given change; where it sends to does not (create another). */
public record DestinationPatch(
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        Boolean enabled,
        Severity minSeverity,
        @Size(min = 1, max = 6) Set<@NotNull NotificationEvent> events) {
}
