package io.vigil.lib.logging;

import org.jboss.logging.MDC;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts the tenant in scope into the logging MDC, under a fixed set of keys, so every log line of a request or a
 * sensor's call names whose it is (a field of each JSON log line in prod). Only ids are accepted: a value that is not
 * a short id (a token, free text, a line break) is left out, so no credential can reach the logs through here.
 */
public final class TenantMdc {

    /** The only keys set: what a log line may say about whose request it is. */
    public enum Key {
        /** The customer (tenants' customer id, the tenant_id claim). */
        TENANT("tenant_id"),
        /** The customer's MSP (the msp_id claim). */
        MSP("msp_id"),
        /** The sensor (ingest's gRPC calls). */
        SENSOR("sensor_id");

        private final String mdcKey;

        Key(String mdcKey) {
            this.mdcKey = mdcKey;
        }

        /** The key as it appears in the MDC and in a JSON log line's "mdc" object. */
        public String mdcKey() {
            return mdcKey;
        }
    }

    /** Vigil's ids are slugs and UUIDs; a JWT is far longer than this and never matches. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private TenantMdc() {
    }

    /** Whether {@code value} would be logged: a short id of letters, digits, '.', '_', ':' and '-'. */
    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** Sets {@code key} to {@code value}, or removes it when the value is no id (absent, blank, too long, free text). */
    public static void put(Key key, String value) {
        if (isId(value)) {
            MDC.put(key.mdcKey(), value);
        } else {
            MDC.remove(key.mdcKey());
        }
    }

    /** Removes every key this class sets. */
    public static void clear() {
        for (Key key : Key.values()) {
            MDC.remove(key.mdcKey());
        }
    }

    /** The value logged under {@code key} right now, or null. */
    public static String get(Key key) {
        Object value = MDC.get(key.mdcKey());
        return value == null ? null : value.toString();
    }

    /**
     * A REST request's tenant: the customer and MSP its path names (what it acts on), else the caller's own from the
     * verified token's claims. Called once the request is matched, so path parameters are known.
     *
     * @param pathCustomer the path's {customerId}, or null
     * @param pathMsp      the path's {mspId}, or null
     * @param claimTenant  the token's tenant_id claim, or null
     * @param claimMsp     the token's msp_id claim, or null
     */
    public static void putRequest(String pathCustomer, String pathMsp, String claimTenant, String claimMsp) {
        put(Key.TENANT, pathCustomer != null ? pathCustomer : claimTenant);
        put(Key.MSP, pathMsp != null ? pathMsp : claimMsp);
    }

    /**
     * Sets the tenant and sensor for the code inside a try-with-resources, and puts back what was there before on
     * close: for work that runs on a pool thread, away from the request or call that set them.
     */
    public static Scope open(String tenant, String sensor) {
        Map<Key, String> previous = new EnumMap<>(Key.class);
        for (Key key : Key.values()) {
            previous.put(key, get(key));
        }
        put(Key.TENANT, tenant);
        put(Key.SENSOR, sensor);
        return () -> previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key.mdcKey());
            } else {
                MDC.put(key.mdcKey(), value);
            }
        });
    }

    /** What {@link #open} returns: closing it restores the keys as they were. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
