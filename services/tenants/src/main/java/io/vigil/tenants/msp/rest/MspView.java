package io.vigil.tenants.msp.rest;

import io.vigil.tenants.msp.Msp;

import java.time.Instant;

/** An MSP as the API shows it. */
public record MspView(String id, String name, Instant createdAt) {

    public static MspView of(Msp m) {
        return new MspView(m.id, m.name, m.createdAt);
    }
}
