package io.vigil.detection.model;

/**
 * A SmartAlert family: a stage of an attack as an MSP reads it. Each family is one detector of the engine
 * ({@code io.vigil.detection.family}) with its own alert types, configuration, ATT&amp;CK techniques and evidence.
 */
public enum AlertFamily {
    /** Scans and sweeps: someone mapping the network. */
    RECONNAISSANCE("Probing and Reconnaissance"),
    /** A host controlled from outside: beaconing, long connections, rare destinations. */
    COMMAND_AND_CONTROL("Command and Control"),
    /** Spreading to more machines: new admin connections, brute force. */
    LATERAL_MOVEMENT("Lateral Movement"),
    /** Data leaving: unusual uploads, staging. */
    EXFILTRATION("Exfiltration"),
    /** The inventory: devices never seen before. */
    ASSET("Asset");

    private final String title;

    AlertFamily(String title) {
        this.title = title;
    }

    /** The name people read ("Probing and Reconnaissance"): CEF's category, the portal's heading. */
    public String title() {
        return title;
    }
}
