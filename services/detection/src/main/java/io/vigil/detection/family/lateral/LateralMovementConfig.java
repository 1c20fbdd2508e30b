package io.vigil.detection.family.lateral;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Set;

/**
 * Every threshold of the lateral-movement family ({@code vigil.detection.lateral-movement.*}), with the reasons in
 * services/detection/DESIGN.md ("Lateral movement"). The customer's learning period is the baselines' own
 * ({@code vigil.detection.baseline.learning-period}).
 */
@ConfigMapping(prefix = "vigil.detection.lateral-movement")
public interface LateralMovementConfig {

    /** Whether the family runs. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The admin services, as TCP ports: SSH 22, RPC 135, NetBIOS session 139, SMB 445, MS SQL 1433, Oracle 1521,
     * MySQL 3306, RDP 3389, PostgreSQL 5432, VNC 5900, WinRM 5985 and 5986. {@link AdminServices} names them.
     */
    @WithName("admin-ports")
    @WithDefault("22,135,139,445,1433,1521,3306,3389,5432,5900,5985,5986")
    Set<Integer> adminPorts();

    /** Sources judged per tenant per cycle, the most active first. */
    @WithName("max-sources")
    @WithDefault("500")
    int maxSources();

    /** New admin edges. */
    @WithName("new-edge")
    NewEdge newEdge();

    /** Password guessing. */
    @WithName("brute-force")
    BruteForce bruteForce();

    interface NewEdge {

        /** New targets counted together for the fan-out that raises severity. */
        @WithName("fan-out-window")
        @WithDefault("PT30M")
        Duration fanOutWindow();

        /** A source that reached at least this many hosts on admin services ... */
        @WithName("admin-host-min-targets")
        @WithDefault("5")
        int adminHostMinTargets();

        /** ... the first of them at least this long ago administers routinely: its new edges are its job. */
        @WithName("admin-host-min-age")
        @WithDefault("P3D")
        Duration adminHostMinAge();
    }

    interface BruteForce {

        /** The span over which a source's connections to one service of one host are counted (per-minute roll-up). */
        @WithDefault("PT10M")
        Duration window();

        /**
         * Connections (in which the service spoke) to one admin service of one host within the window. An SSH client
         * tries up to six passwords per connection (sshd's MaxAuthTries), so 10 connections are about 60 guesses.
         */
        @WithName("min-connections")
        @WithDefault("10")
        int minConnections();

        /**
         * Connections to that service of that host within one minute of the window, at least once: guessing runs in
         * bursts, a monitoring check that logs in once a minute does not.
         */
        @WithName("min-per-minute")
        @WithDefault("5")
        int minPerMinute();

        /**
         * The mean IP bytes a guess sends at least: it carries a key exchange or an authentication message (an SSH
         * client's key exchange alone is about 1.5 KB; hydra's guesses sent 1.8 to 2.5 KB).
         */
        @WithName("min-bytes-per-connection")
        @WithDefault("1024")
        long minBytesPerConnection();

        /** The mean IP bytes a guess sends at most: a login attempt is small; a session that works is not. */
        @WithName("max-bytes-per-connection")
        @WithDefault("16384")
        long maxBytesPerConnection();

        /** The mean packets (both ways) of a connection at most: a guess is short. */
        @WithName("max-packets-per-connection")
        @WithDefault("100")
        long maxPacketsPerConnection();

        /**
         * How alike the connections are: the coefficient of variation of the per-minute mean bytes sent per connection,
         * at most. Guesses are the same exchange over and over.
         */
        @WithName("max-spread")
        @WithDefault("0.5")
        double maxSpread();

        /**
         * Password spraying: the same guesses against one service of this many hosts or more within the window, which
         * together meet every rule above though no host alone does. From inside, the hosts must be new to the source (not
         * in the edge store) and the customer past its learning period, or a jump host's rounds would look the same.
         */
        @WithName("spray-min-hosts")
        @WithDefault("5")
        int sprayMinHosts();
    }
}
