package io.vigil.detection.notify;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Destination secrets at rest (webhook signing secrets, TLS syslog client keys): AES-256-GCM with the key {@code vigil.notify.secret-key}, bound to the destination
 * id (a sealed secret copied onto another row does not open), stored as {@code v1:<base64 nonce and ciphertext>}. A
 * database copy alone then cannot sign webhooks in a customer's name, nor present its client certificate. Values without the prefix are older plaintext
 * rows, read as they are until they are sealed (at start, or when the secret is rotated).
 */
@ApplicationScoped
public class SecretSeal {

    private static final String PREFIX = "v1:";
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    @Inject
    public SecretSeal(NotifyConfig config) {
        this(config.secretKey());
    }

    SecretSeal(String base64Key) {
        byte[] raw = Base64.getDecoder().decode(base64Key);
        if (raw.length != 32) {
            throw new IllegalStateException("vigil.notify.secret-key must be 32 bytes in base64 (openssl rand -base64 32), not "
                    + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public static boolean sealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The secret as stored for destination {@code id}. */
    public String seal(String secret, String id) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, id, secret.getBytes(StandardCharsets.UTF_8));
        return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
    }

    /** The secret of destination {@code id} from its stored value; a plaintext value of an older row as it is. */
    public String open(String stored, String id) {
        if (!sealed(stored)) {
            return stored;
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        byte[] nonce = java.util.Arrays.copyOfRange(all, 0, NONCE);
        byte[] sealed = java.util.Arrays.copyOfRange(all, NONCE, all.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, id, sealed), StandardCharsets.UTF_8);
    }

    private byte[] run(int mode, byte[] nonce, String id, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed secret of destination " + id + " does not open with vigil.notify.secret-key", e);
        }
    }
}
