package io.vigil.portal.api;

/** The body that adds a comment to an alert. */
public record NewComment(String body) {
}
