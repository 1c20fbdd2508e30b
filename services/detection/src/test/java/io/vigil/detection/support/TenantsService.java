package io.vigil.detection.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vigil.lib.testing.TenantsProcess;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * The real tenants service for detection's ITs ({@link TenantsProcess}: the repository's built jar on a free loopback
 * port, against the stack's PostgreSQL and Keycloak with its dev seed), with detection pointed at it. When it cannot
 * run, {@link #reason} says why and the tests that need tenants are skipped with that reason, never faked.
 */
public class TenantsService implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(TenantsService.class);

    /** Null when tenants runs; else why not. */
    public static volatile String reason;
    private static TenantsProcess process;
    /** Detection settings the test class adds (its resource's initArgs), with tenants as the customers' source. */
    private final Map<String, String> config = new java.util.HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        config.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        process = new TenantsProcess();
        if (process.start()) {
            reason = null;
        } else {
            reason = process.reason();
            LOG.warn("SKIPPING the tests against the real tenants service: " + reason);
        }
        Map<String, String> all = new java.util.HashMap<>(config);
        all.put("vigil.detection.customers.source", "tenants");
        all.put("vigil.tenants.url", process.url());
        return all;
    }

    /** Stops the tenants process (the outage half of the test); idempotent. */
    public static void stopTenants() {
        if (process != null) {
            process.stop();
        }
    }

    @Override
    public void stop() {
        stopTenants();
    }
}
