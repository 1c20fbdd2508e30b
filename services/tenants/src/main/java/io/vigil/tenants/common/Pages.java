package io.vigil.tenants.common;

import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;

import java.util.List;
import java.util.function.Function;

/** Turns "limit + 1 rows after the cursor" into a page and its next cursor, the same way for every keyset list. */
public final class Pages {

    private Pages() {
    }

    /**
     * @param rows  up to {@code limit + 1} rows in key order; one more than {@code limit} means a next page exists
     * @param key   the key the next page starts after (the last item's)
     */
    public static <R, V> Page<V> of(List<R> rows, int limit, Function<R, V> view, Function<V, String> key) {
        List<V> items = rows.stream().limit(limit).map(view).toList();
        String next = rows.size() > limit ? Cursor.encode(key.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next);
    }
}
