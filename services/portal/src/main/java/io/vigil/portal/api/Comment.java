package io.vigil.portal.api;

import java.time.Instant;

/** A comment on an alert. */
public record Comment(long seq, String alertId, String author, String body, Instant createdAt) {
}
