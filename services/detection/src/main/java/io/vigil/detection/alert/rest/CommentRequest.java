package io.vigil.detection.alert.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A new comment on an alert. */
public record CommentRequest(@NotBlank @Size(max = 4000) String body) {
}
