package io.vigil.portal.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalPathTest {

    @Test
    void localPathsAndTheirQueriesAreKept() {
        for (String p : new String[]{"/", "/alerts?status=OPEN&customer=a1", "/customers/a1/alerts/al-x", "/hosts/fd00%3A%3A1"}) {
            assertEquals(p, LocalPath.or(p, "/"), p);
        }
    }

    /** Each of these once answered 500 (URI syntax) or would leave the portal once a browser reads it. */
    @Test
    void otherOriginsAndWhatIsNoUriFallBack() {
        for (String p : new String[]{null, "", "x", "//evil.example", "/\\x", "/\\evil.example", "/\t/evil.example",
                "/\n/evil.example", " /x", "/x y", "https://evil.example/", "javascript:alert(1)", "/%", "/x#frag",
                "/\u00fc", "/" + "x".repeat(3000)}) {
            assertEquals("/", LocalPath.or(p, "/"), String.valueOf(p));
        }
    }
}
