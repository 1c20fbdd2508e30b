package io.vigil.detection.family.exfiltration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/**
 * Every threshold of the exfiltration family ({@code vigil.detection.exfiltration.*}), with the reasons in
 * services/detection/DESIGN.md ("Exfiltration").
 */
@ConfigMapping(prefix = "vigil.detection.exfiltration")
public interface ExfiltrationConfig {

    /** Whether the family runs. */
    @WithDefault("true")
    boolean enabled();

    /** Bytes a source must send in the new batches for its uploads to be judged (a cheap first cut in the window read). */
    @WithName("trigger-bytes")
    @WithDefault("1048576")
    long triggerBytes();

    /** The span an upload is summed over (the baselines' hour). */
    @WithDefault("PT1H")
    Duration window();

    /** External bytes within the window below which nothing is judged, whatever the baseline. */
    @WithName("min-bytes")
    @WithDefault("104857600")
    long minBytes();

    /** External bytes within the window that alert for a host with no mature baseline (a new customer or device). */
    @WithName("floor-bytes")
    @WithDefault("1073741824")
    long floorBytes();

    /** Sources judged per tenant per cycle, the largest senders first. */
    @WithName("max-sources")
    @WithDefault("500")
    int maxSources();

    /** Data staging. */
    Staging staging();

    interface Staging {

        /** How long before the upload the pulls from internal hosts are summed. */
        @WithDefault("PT6H")
        Duration horizon();

        /** Bytes pulled from internal hosts (as the initiator: SMB reads, downloads) within the horizon. */
        @WithName("min-bytes")
        @WithDefault("104857600")
        long minBytes();

        /** Distinct internal hosts pulled from. */
        @WithName("min-hosts")
        @WithDefault("5")
        int minHosts();
    }
}
