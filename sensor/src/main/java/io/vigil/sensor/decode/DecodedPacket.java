package io.vigil.sensor.decode;

/**
 * The few header fields the flow meter needs, filled in place by {@link PacketDecoder} so that decoding a packet
 * allocates nothing.
 *
 * <p>Addresses are kept as two longs each (network byte order, big-endian halves); IPv4 addresses are stored
 * IPv4-mapped ({@code ::ffff:a.b.c.d}) so one key layout serves both versions.
 */
public final class DecodedPacket {

    /** IP version, 4 or 6. */
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** Transport protocol number after walking IPv6 extension headers. */
    public int protocol;
    /** Source port, or the ICMP type for ICMP/ICMPv6. */
    public int srcPort;
    /** Destination port, or the ICMP code for ICMP/ICMPv6. */
    public int dstPort;
    /** TCP flags byte (FIN=0x01 ... CWR=0x80); 0 for other protocols. */
    public int tcpFlags;
    /** Transport payload bytes as the IP header states them (not what was captured). */
    public int payloadLength;
    /** IP bytes, header included, as the IP header states them. */
    public int ipLength;
    /** Outer 802.1Q VLAN id; 0 when untagged. */
    public int vlan;
    /** True when the transport header is present, so ports and flags are meaningful. */
    public boolean hasTransport;

    /** True for an ICMP/ICMPv6 error that quotes the packet it answers; the quoted* fields describe that packet. */
    public boolean quotes;
    public int quotedVersion;
    public long quotedSrcHi;
    public long quotedSrcLo;
    public long quotedDstHi;
    public long quotedDstLo;
    public int quotedProtocol;
    /** Quoted source port, or the quoted ICMP type. */
    public int quotedSrcPort;
    /** Quoted destination port, or the quoted ICMP code. */
    public int quotedDstPort;

    // Set only when the decoder returns FRAGMENT (never reset: the fast path does not pay for them). Positions are
    // absolute indexes into the frame's array.
    /** Fragment identification: 16 bits for IPv4, 32 for IPv6. */
    public int fragId;
    /** Where this fragment's data sits in the original datagram's fragmentable part, in bytes. */
    public int fragOffset;
    /** More-fragments flag: false on the last fragment. */
    public boolean fragMore;
    /** Where the IP header starts. */
    public int fragIpStart;
    /** IPv4: the header length; IPv6: the bytes before the fragment header (fixed header and unfragmentable part). */
    public int fragHeaderLength;
    /** IPv6: where the next-header byte that names the fragment header is (patched when rebuilding); IPv4: -1. */
    public int fragNextHeaderAt;
    /** Where the fragment's data starts (after the IPv4 header, or after the IPv6 fragment header). */
    public int fragDataStart;
    /** The fragment's data length as the IP header states it. */
    public int fragDataLength;
    /** How much of that data was captured (less than fragDataLength when the snaplen cut the frame). */
    public int fragDataCaptured;

    void reset() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        protocol = 0;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        payloadLength = 0;
        ipLength = 0;
        vlan = 0;
        hasTransport = false;
        quotes = false;
        quotedVersion = 0;
        quotedSrcHi = quotedSrcLo = quotedDstHi = quotedDstLo = 0;
        quotedProtocol = 0;
        quotedSrcPort = quotedDstPort = 0;
    }
}
