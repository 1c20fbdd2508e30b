package io.vigil.sensor.meter;

/**
 * What the capture loop and the meter have seen, for progress, status and heartbeat. Written by the one metering
 * thread; others may read slightly stale values.
 */
public final class MeterCounters {
    /** Frames read from the capture. */
    public long frames;
    /** IP packets metered (including ICMP errors matched to a flow). */
    public long packets;
    /** IP bytes metered. */
    public long bytes;
    /** Frames that carry no IP (ARP, LLDP...). */
    public long notIp;
    /** Non-first IP fragments: no transport header, not metered. */
    public long fragments;
    /** Truncated or garbage frames, and link types the decoder does not read: skipped. */
    public long undecodable;
    /** ICMP errors tied back to the flow they quote. */
    public long icmpErrorsMatched;
    public long flowsCreated;
    public long flowsExported;
    /** Flows exported early because the table was full. */
    public long flowsEvicted;
}
