package io.vigil.portal.web;

import io.smallrye.mutiny.Uni;

/** An answer a page can do without: its value, or why there is none (an expired session still fails the page). */
public record Maybe<T>(T value, String error, int status) {

    public static <T> Uni<Maybe<T>> of(Uni<T> call) {
        return call.map(v -> new Maybe<>(v, null, 200))
                .onFailure(e -> !ErrorPages.sessionExpired(e))
                .recoverWithItem(e -> new Maybe<>(null, ErrorPages.describe(e), ErrorPages.status(e)));
    }
}
