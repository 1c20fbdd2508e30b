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
    /** IP fragments received (first, middle and last; IPv4 and IPv6): all go to reassembly, none is metered alone. */
    public long fragments;
    /** Datagrams reassembled from fragments and metered, each as one packet. */
    public long fragDatagramsReassembled;
    /** Incomplete datagrams dropped at the fragment timeout (or still incomplete when the capture ended). */
    public long fragDatagramsTimedOut;
    /** Incomplete datagrams dropped, oldest first, to stay within the reassembly caps (datagrams, bytes). */
    public long fragDatagramsEvicted;
    /** Datagrams dropped because a fragment reached past 65,535 bytes. */
    public long fragDatagramsTooLarge;
    /**
     * Datagrams dropped because their fragments' lengths disagree: two different ends, data past the last fragment's
     * end, or a fragment other than the last whose length is not a multiple of 8.
     */
    public long fragDatagramsBadLength;
    /** Datagrams dropped for taking more than 512 fragments (a flood of tiny fragments, not a sender's MTU). */
    public long fragDatagramsTooFragmented;
    /** Fragments that overlapped bytes held for their datagram (duplicates included; Zeek: fragment_overlap). */
    public long fragOverlaps;
    /** Of those, the ones whose overlapping bytes differed from the held ones (Zeek: fragment_inconsistency). */
    public long fragOverlapsInconsistent;
    /** Truncated or garbage frames, and link types the decoder does not read: skipped. */
    public long undecodable;
    /** ICMP errors tied back to the flow they quote. */
    public long icmpErrorsMatched;
    public long flowsCreated;
    public long flowsExported;
    /** Flows exported early because the table was full. */
    public long flowsEvicted;

    /** One line on fragments for summaries and logs. */
    public String fragmentSummary() {
        return String.format(java.util.Locale.ROOT, "fragments: %,d received, %,d datagrams reassembled, "
                        + "%,d timed out, %,d evicted, %,d too large, %,d of inconsistent length, "
                        + "%,d in too many fragments; %,d overlaps (%,d inconsistent)",
                fragments, fragDatagramsReassembled, fragDatagramsTimedOut, fragDatagramsEvicted, fragDatagramsTooLarge,
                fragDatagramsBadLength, fragDatagramsTooFragmented, fragOverlaps, fragOverlapsInconsistent);
    }
}
