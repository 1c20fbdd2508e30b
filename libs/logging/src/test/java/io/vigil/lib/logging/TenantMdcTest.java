package io.vigil.lib.logging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantMdcTest {

    /** A real access token's shape: three base64url parts, hundreds of characters. */
    private static final String BEARER = "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICJ4In0"
            + ".eyJ0ZW5hbnRfaWQiOiJhMSIsIm1zcF9pZCI6Im1zcC1hIn0.c2lnbmF0dXJlLW9mLWEtcmVhbC10b2tlbi1pcy1sb25nZXI";

    @AfterEach
    void clear() {
        TenantMdc.clear();
    }

    @Test
    void putsATenantIdUnderTheTenantKey() {
        TenantMdc.put(TenantMdc.Key.TENANT, "a1");
        assertEquals("a1", TenantMdc.get(TenantMdc.Key.TENANT));
    }

    @Test
    void neverPutsATokenOrFreeText() {
        TenantMdc.put(TenantMdc.Key.TENANT, BEARER);
        TenantMdc.put(TenantMdc.Key.MSP, "Bearer " + BEARER);
        TenantMdc.put(TenantMdc.Key.SENSOR, "a1\nFAKE LOG LINE");
        assertNull(TenantMdc.get(TenantMdc.Key.TENANT));
        assertNull(TenantMdc.get(TenantMdc.Key.MSP));
        assertNull(TenantMdc.get(TenantMdc.Key.SENSOR));
        assertFalse(TenantMdc.isId(""));
        assertTrue(TenantMdc.isId("3f2b6c1e-9d8a-4b7c-8e5f-0a1b2c3d4e5f"));
    }

    @Test
    void aNonIdRemovesAnEarlierValue() {
        TenantMdc.put(TenantMdc.Key.TENANT, "a1");
        TenantMdc.put(TenantMdc.Key.TENANT, null);
        assertNull(TenantMdc.get(TenantMdc.Key.TENANT));
    }

    @Test
    void aScopeRestoresWhatWasThereBefore() {
        TenantMdc.put(TenantMdc.Key.TENANT, "a1");
        try (TenantMdc.Scope ignored = TenantMdc.open("b2", "sensor-7")) {
            assertEquals("b2", TenantMdc.get(TenantMdc.Key.TENANT));
            assertEquals("sensor-7", TenantMdc.get(TenantMdc.Key.SENSOR));
        }
        assertEquals("a1", TenantMdc.get(TenantMdc.Key.TENANT));
        assertNull(TenantMdc.get(TenantMdc.Key.SENSOR));
    }

    @Test
    void aRequestLogsTheCustomerItsPathNamesOverTheCallersOwn() {
        TenantMdc.putRequest("b1", null, "a1", "msp-a");
        assertEquals("b1", TenantMdc.get(TenantMdc.Key.TENANT));
        assertEquals("msp-a", TenantMdc.get(TenantMdc.Key.MSP));
        TenantMdc.putRequest(null, null, "a1", null);
        assertEquals("a1", TenantMdc.get(TenantMdc.Key.TENANT));
        assertNull(TenantMdc.get(TenantMdc.Key.MSP));
    }
}
