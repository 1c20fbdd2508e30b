package io.vigil.lib.api.paging;

import io.vigil.lib.api.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset cursors: the last id of a page, so a page never shifts when rows are added before it. */
public final class Cursor {

    private Cursor() {
    }

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key after which the next page starts, or null for the first page. */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith("k:")) {
                return s.substring(2);
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ProblemException.badRequest("cursor: not a cursor this API returned");
    }
}
