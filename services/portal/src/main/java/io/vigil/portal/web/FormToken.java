package io.vigil.portal.web;

import io.quarkus.oidc.IdToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The anti-forgery token of the signed-in user's forms ({@code {inject:csrf.parameterName}} and
 * {@code {inject:csrf.token}} in the templates): an HMAC, keyed with {@code vigil.portal.csrf-key}, of the user and
 * of Keycloak's session id from the ID token. Another session, another user, or anyone without the key gets another
 * value, so a token taken from one's own session is worthless in a victim's; it needs no cookie and lives as long as
 * the sign-in. (A double-submit cookie, even signed, only proves that the form and the cookie belong together.)
 */
@RequestScoped
@Named("csrf")
public class FormToken {

    /** The form field every state-changing form carries. */
    public static final String FIELD = "csrf-token";

    /** The session's ID token ({@code @IdToken} qualifies fields only). */
    @Inject
    @IdToken
    JsonWebToken idToken;

    private final byte[] key;

    public FormToken(@ConfigProperty(name = "vigil.portal.csrf-key") String key) {
        if (key.length() < 32) {
            throw new IllegalStateException("vigil.portal.csrf-key must have at least 32 characters");
        }
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    public String parameterName() {
        return FIELD;
    }

    /** The token of this session; null when there is no session to bind it to (then no form can be sent). */
    public String token() {
        String subject = idToken.getSubject();
        Object session = idToken.getClaim("sid");
        if (subject == null || session == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(("vigil-portal-form|" + subject + "|" + session).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code sent} is this session's token (compared in constant time). */
    public boolean matches(String sent) {
        String expected = token();
        return expected != null && sent != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
