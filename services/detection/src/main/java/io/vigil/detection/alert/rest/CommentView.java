package io.vigil.detection.alert.rest;

import io.vigil.detection.alert.AlertComment;

import java.time.Instant;

/** A comment as the API shows it. */
public record CommentView(long seq, String alertId, String author, String body, Instant createdAt) {

    public static CommentView of(AlertComment c) {
        return new CommentView(c.seq, c.alertId, c.author, c.body, c.createdAt);
    }
}
