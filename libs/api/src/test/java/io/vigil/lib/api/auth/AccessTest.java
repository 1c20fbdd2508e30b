package io.vigil.lib.api.auth;

import io.vigil.lib.api.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTest {

    private static TenantContext as(Role role, String msp, String tenant) {
        return new TenantContext(role, msp, tenant, "someone", "127.0.0.1");
    }

    private static final TenantContext PLATFORM = as(Role.PLATFORM_ADMIN, null, null);
    private static final TenantContext ADMIN = as(Role.MSP_ADMIN, "msp-a", null);
    private static final TenantContext ANALYST = as(Role.MSP_ANALYST, "msp-a", null);
    private static final TenantContext VIEWER = as(Role.CUSTOMER_VIEWER, "msp-a", "a1");
    private static final TenantContext SERVICE = as(Role.SERVICE, null, null);
    private static final TenantContext NONE = as(Role.NONE, null, null);

    /** Who may do what, as one table: triage is the analysts' job too; managing and onboarding are not. */
    @Test
    void eachRoleMayTakeExactlyItsActions() {
        Map<String, String> got = new TreeMap<>();
        for (TenantContext ctx : new TenantContext[]{PLATFORM, ADMIN, ANALYST, VIEWER, SERVICE, NONE}) {
            StringBuilder may = new StringBuilder();
            for (Role.Action a : Role.Action.values()) {
                if (Access.may(ctx, a)) {
                    may.append(a).append(' ');
                }
            }
            got.put(ctx.role().claim(), may.toString().strip());
        }
        assertEquals(new TreeMap<>(Map.of("platform-admin", "TRIAGE MANAGE ONBOARD", "msp-admin", "TRIAGE MANAGE",
                "msp-analyst", "TRIAGE", "customer-viewer", "", "internal-read", "", "none", "")), got);
        assertEquals(403, status(() -> Access.requireManage(ANALYST, "sensors")));
        assertEquals(403, status(() -> Access.requireTriage(VIEWER)));
        assertEquals(403, status(() -> Access.requireOnboard(ADMIN)));
        assertEquals(0, status(() -> Access.requireTriage(ANALYST)));
    }

    @Test
    void reachIsAllAnMspOrOneCustomer() {
        assertTrue(Access.sees(PLATFORM, "msp-b", "b1"));
        assertTrue(Access.sees(ADMIN, "msp-a", "a2"));
        assertTrue(Access.sees(ADMIN, "msp-a", null), "an MSP-wide row of its MSP");
        assertFalse(Access.sees(ADMIN, "msp-b", "b1"));
        assertTrue(Access.sees(VIEWER, "msp-a", "a1"));
        assertFalse(Access.sees(VIEWER, "msp-a", "a2"));
        assertFalse(Access.sees(VIEWER, "msp-a", null), "not its MSP's MSP-wide rows");
        assertFalse(Access.sees(NONE, "msp-a", "a1"));
        assertFalse(Access.sees(as(Role.MSP_ADMIN, null, null), "msp-a", "a1"), "an MSP role without its claim");
        assertEquals(404, status(() -> Access.requireCustomer(VIEWER, "msp-a", "a2")));
        assertTrue(Access.mayReachCustomer(ANALYST, "anything"));
        assertTrue(Access.mayReachCustomer(VIEWER, "a1"));
        assertFalse(Access.mayReachCustomer(VIEWER, "a2"));
        assertFalse(Access.mayReachCustomer(NONE, "a1"));
    }

    /** A viewer knows its own MSP exists (403); another MSP is as absent as a missing one (404). */
    @Test
    void mspWideThingsAreTheMspPeoplesAndTheViewerOfThatMspIsForbidden() {
        assertEquals(0, status(() -> Access.requireMsp(ADMIN, "msp-a", "summary")));
        assertEquals(0, status(() -> Access.requireMsp(PLATFORM, "msp-b", "summary")));
        assertEquals(404, status(() -> Access.requireMsp(ADMIN, "msp-b", "summary")));
        assertEquals(403, status(() -> Access.requireMsp(VIEWER, "msp-a", "summary")));
        assertEquals(404, status(() -> Access.requireMsp(VIEWER, "msp-b", "summary")));
        assertEquals(404, status(() -> Access.requireMsp(NONE, "msp-a", "summary")));
    }

    private static int status(Runnable check) {
        try {
            check.run();
            return 0;
        } catch (ProblemException e) {
            return e.problem().status();
        }
    }
}
