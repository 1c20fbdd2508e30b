package io.vigil.portal.api;

import java.util.List;

/** One page of an API list; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
