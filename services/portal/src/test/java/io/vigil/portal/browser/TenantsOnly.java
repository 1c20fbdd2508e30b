package io.vigil.portal.browser;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The tenants service alone (its built jar, dev seed) for tests of the portal's own pages and forms; detection points
 * at a closed port, so a form that gets past the portal's checks ends on "the detection service is not answering".
 */
public class TenantsOnly implements QuarkusTestResourceLifecycleManager {

    private Process tenants;

    @Override
    public Map<String, String> start() {
        try {
            int port = Services.freePort();
            tenants = Services.service("services/tenants", port, Map.of("VIGIL_KEYCLOAK_CLIENT_SECRET", "dev-vigil-tenants",
                    "VIGIL_TENANTS_DEV_SEED", "true"), Services.WORK.resolve("tenants-only.log"));
            return Map.of("vigil.tenants.url", "http://127.0.0.1:" + port, "vigil.detection.url", "http://127.0.0.1:1");
        } catch (Exception e) {
            throw new IllegalStateException("could not start tenants for the portal tests: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            Services.stop(tenants);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
