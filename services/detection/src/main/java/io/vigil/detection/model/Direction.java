package io.vigil.detection.model;

/** Where a scan runs relative to the customer's internal networks; it drives severity and the ATT&CK technique. */
public enum Direction {
    /** Internal → internal: an attacker (or worm) already inside, mapping the network. */
    LATERAL,
    /** Internal → external: an inside host scanning the internet, typically compromised. */
    OUTBOUND,
    /** External → internal: reconnaissance from outside reaching the monitored network. */
    INBOUND,
    /** Neither end internal (or no internal networks known). */
    EXTERNAL
}
