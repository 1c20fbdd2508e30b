package io.vigil.lib.api.paging;

import java.util.List;
import java.util.function.Function;

/** Turns "limit + 1 rows after the cursor" into a page and its next cursor, the same way for every keyset list. */
public final class Pages {

    private Pages() {
    }

    /**
     * @param rows up to {@code limit + 1} rows in key order; one more than {@code limit} means a next page exists
     * @param view what the page shows of a row
     * @param key  the key the next page starts after, of a row (the page's last)
     */
    public static <R, V> Page<V> of(List<R> rows, int limit, Function<R, V> view, Function<R, String> key) {
        List<V> items = rows.stream().limit(limit).map(view).toList();
        String next = rows.size() > limit ? Cursor.encode(key.apply(rows.get(limit - 1))) : null;
        return new Page<>(items, next);
    }
}
