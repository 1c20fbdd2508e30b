package io.vigil.portal.browser;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portal as an attacker sees it, through plain HTTP clients signed in through the real Keycloak login form (no
 * browser): a form token from another user's session is refused; pages carry a Content-Security-Policy that forbids
 * framing, a Referrer-Policy and no cookie without SameSite and HttpOnly; a GET of /logout signs nobody out; and
 * /relogin never answers 500 nor leaves the portal, whatever its target.
 */
@QuarkusTest
@QuarkusTestResource(value = TenantsOnly.class, restrictToAnnotatedClass = true)
class PortalSecurityIT {

    static final String PORTAL = "http://127.0.0.1:18193";
    static Session admin;
    static Session attacker;

    @BeforeAll
    static void signIn() throws Exception {
        admin = Session.signIn("msp-a-admin");
        attacker = Session.signIn("msp-b-admin");
    }

    /** The forms of msp-b's own page give msp-b-admin a token; sent by msp-a-admin's browser it must not count. */
    @Test
    void aFormTokenFromAnotherSessionIsRefused() throws Exception {
        HttpResponse<String> page = attacker.get("/customers/b1");
        assertEquals(200, page.statusCode(), page.body());
        Map<String, String> stolen = attacker.formToken(page.body());
        // the attacker plants its own token pair: in the form and, where a cookie carries it, in the cookie too
        attacker.cookies().forEach((name, value) -> {
            if (name.toLowerCase().contains("csrf")) {
                admin.setCookie(name, value);
            }
        });
        String ack = "/customers/a1/alerts/al-none/ack";
        HttpResponse<String> forged = admin.post(ack, stolen);
        assertTrue(forged.statusCode() == 400 || forged.statusCode() == 403,
                "a token of another session: " + forged.statusCode() + " " + forged.body());
        HttpResponse<String> none = admin.post(ack, Map.of());
        assertTrue(none.statusCode() == 400 || none.statusCode() == 403, "no token: " + none.statusCode());

        // msp-a-admin's own token passes: the action reaches detection (down here, so the page says so)
        HttpResponse<String> own = admin.post(ack, admin.formToken(admin.get("/customers/a1").body()));
        assertEquals(503, own.statusCode(), own.body());
        assertTrue(own.body().contains("The detection service is not answering"), own.body());
    }

    @Test
    void pagesForbidFramingAndInlineScriptAndLeakNoReferrer() throws Exception {
        for (String path : List.of("/customers/a1", "/signed-out")) {
            HttpResponse<String> r = path.equals("/signed-out") ? Session.anonymous(path) : admin.get(path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("frame-ancestors 'none'"), path + ": CSP " + csp);
            assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                    path + ": CSP " + csp);
            assertTrue(csp.contains("form-action 'self'"), path + ": CSP " + csp);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
        }
    }

    @Test
    void everyCookieThePortalSetsIsHttpOnlyWithSameSite() throws Exception {
        Session fresh = Session.signIn("msp-a-analyst");
        fresh.get("/customers/a1");
        List<String> set = new ArrayList<>(fresh.portalSetCookies());
        assertFalse(set.isEmpty(), "the portal set its session cookie");
        for (String cookie : set) {
            String lower = cookie.toLowerCase();
            if (lower.contains("max-age=0")) {
                continue; // a deletion carries no value
            }
            assertTrue(lower.contains("httponly"), cookie);
            assertTrue(lower.contains("samesite="), cookie);
        }
    }

    @Test
    void aGetOfLogoutSignsNobodyOutAndAPostDoes() throws Exception {
        Session s = Session.signIn("msp-a-analyst");
        HttpResponse<String> get = s.send(HttpRequest.newBuilder(URI.create(PORTAL + "/logout")).GET());
        assertFalse(get.headers().firstValue("Location").orElse("").contains("/protocol/openid-connect/logout"),
                "GET /logout started the sign-out: " + get.headers().map());
        assertEquals(200, s.get("/customers/a1").statusCode(), "still signed in");
        HttpResponse<String> post = s.send(HttpRequest.newBuilder(URI.create(PORTAL + "/logout"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("")));
        assertEquals(302, post.statusCode(), post.body());
        assertTrue(post.headers().firstValue("Location").orElse("").contains("/protocol/openid-connect/logout"),
                post.headers().map().toString());
    }

    /** "/\x" and "/\t/x" once answered 500, and a browser reads both as another origin. */
    @Test
    void reloginReturnsOnlyToPathsOfThePortal() throws Exception {
        for (String to : List.of("%2F%5Cx", "%2F%09%2Fx", "%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2Falerts%3Fstatus%3DOPEN")) {
            Session s = Session.signIn("msp-a-analyst");
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(URI.create(PORTAL + "/relogin?to=" + to)).GET());
            assertEquals(303, r.statusCode(), to + ": " + r.body());
            String location = r.headers().firstValue("Location").orElse("");
            String path = URI.create(location).getRawPath() + (URI.create(location).getRawQuery() == null ? "" : "?" + URI.create(location).getRawQuery());
            assertTrue(location.startsWith("/") || location.startsWith(PORTAL + "/"), to + " -> " + location);
            assertEquals(to.equals("%2Falerts%3Fstatus%3DOPEN") ? "/alerts?status=OPEN" : "/", path, to);
        }
    }

    /**
     * The cookies of one user on 127.0.0.1, sent back to every port there as a browser does for loopback: Keycloak marks
     * its cookies Secure even over http, and the JDK's own cookie manager would then never send them.
     */
    static final class Jar extends java.net.CookieHandler {
        final Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            String all = values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
            return all.isEmpty() ? Map.of() : Map.of("Cookie", List.of(all));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) {
            headers.forEach((name, list) -> {
                if ("set-cookie".equalsIgnoreCase(name)) {
                    for (String cookie : list) {
                        String pair = cookie.split(";", 2)[0];
                        String key = pair.substring(0, pair.indexOf('=')).trim();
                        String value = pair.substring(pair.indexOf('=') + 1).trim();
                        if (value.isEmpty() || cookie.toLowerCase().contains("max-age=0")) {
                            values.remove(key);
                        } else {
                            values.put(key, value);
                        }
                    }
                }
            });
        }
    }

    /** A cookie jar and the HTTP exchanges of one signed-in user, redirects followed by hand. */
    record Session(HttpClient http, Jar jar, List<String> setCookies) {

        static Session signIn(String user) throws Exception {
            Jar jar = new Jar();
            Session s = new Session(HttpClient.newBuilder().cookieHandler(jar).followRedirects(HttpClient.Redirect.NEVER).build(),
                    jar, new ArrayList<>());
            HttpResponse<String> login = s.follow(s.send(HttpRequest.newBuilder(URI.create(PORTAL + "/customers/none")).GET()));
            Matcher action = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"").matcher(login.body());
            assertTrue(action.find(), "the Keycloak login form: " + login.body());
            String form = "username=" + enc(user) + "&password=" + enc("dev-" + user) + "&credentialId=";
            HttpResponse<String> back = s.follow(s.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))));
            String shown = back.body().replaceAll("(?s).*<body", "");
            assertTrue(back.uri().toString().startsWith(PORTAL), "back at the portal after signing in: " + back.uri() + " "
                    + back.statusCode() + " " + shown.substring(0, Math.min(3000, shown.length())));
            return s;
        }

        static HttpResponse<String> anonymous(String path) throws Exception {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(PORTAL + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws Exception {
            return follow(send(HttpRequest.newBuilder(URI.create(PORTAL + path)).GET()));
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
            return follow(send(HttpRequest.newBuilder(URI.create(PORTAL + path))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))));
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.uri().toString().startsWith(PORTAL)) {
                setCookies.addAll(r.headers().allValues("Set-Cookie"));
            }
            return r;
        }

        /** Follows redirects (303 and 302 as GET) up to 10 hops. */
        HttpResponse<String> follow(HttpResponse<String> r) throws IOException, InterruptedException {
            for (int hops = 0; hops < 10 && r.statusCode() / 100 == 3; hops++) {
                URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
                r = send(HttpRequest.newBuilder(next).GET());
            }
            return r;
        }

        /** The hidden form-token field of the first form of a page. */
        Map<String, String> formToken(String html) {
            Matcher m = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*csrf[^\"]*)\" value=\"([^\"]+)\"").matcher(html);
            assertTrue(m.find(), "a form token on the page: " + html);
            return Map.of(m.group(1), m.group(2));
        }

        Map<String, String> cookies() {
            return Map.copyOf(jar.values);
        }

        void setCookie(String name, String value) {
            jar.values.put(name, value);
        }

        List<String> portalSetCookies() {
            return setCookies;
        }

        static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}
