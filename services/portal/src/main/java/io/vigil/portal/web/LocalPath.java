package io.vigil.portal.web;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A path on this portal to send the browser back to, from a query or form value. Anything else falls back: another
 * origin ("//evil", "/\evil", which browsers read as "//evil"), a scheme, whitespace or control characters (which
 * browsers strip, so "/\t/evil" is "//evil" too), or what is no URI at all.
 */
public final class LocalPath {

    /** A path and optional query in URI characters, starting with one "/" not followed by "/" or "\". */
    private static final Pattern SAFE = Pattern.compile("/(?![/\\\\])[A-Za-z0-9\\-._~!$&'()*+,;=:@/%?]*");

    private LocalPath() {
    }

    /** {@code candidate} if it is a safe local path, else {@code fallback}. */
    public static String or(String candidate, String fallback) {
        if (candidate == null || candidate.length() > 2000 || !SAFE.matcher(candidate).matches()) {
            return fallback;
        }
        try {
            URI uri = URI.create(candidate);
            return uri.getScheme() == null && uri.getRawAuthority() == null ? candidate : fallback;
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
