package io.vigil.sensor.decode;

/**
 * Reads the link, IP and transport headers the flow meter needs straight from raw capture bytes.
 *
 * <p>pcap4j's object decoding is several times too slow for a SPAN port (see ENVIRONMENT.md), so this decoder
 * reads fixed offsets itself. It never throws on bad input: every length is checked against the captured bytes, and
 * anything that does not add up is reported as {@link #MALFORMED} for the caller to count and skip.
 */
public final class PacketDecoder {

    /** The packet was decoded into the {@link DecodedPacket}. */
    public static final int OK = 0;
    /** A well-formed frame that carries no IP (ARP, LLDP, STP...). Not an error. */
    public static final int NOT_IP = 1;
    /**
     * An IP fragment (first, middle or last): its transport header may be missing or cut, so it goes to reassembly.
     * The {@code frag*} fields of the {@link DecodedPacket} locate its pieces; addresses, protocol and VLAN are set.
     */
    public static final int FRAGMENT = 2;
    /** Truncated or garbage: lengths that do not fit, a wrong IP version, a short transport header. */
    public static final int MALFORMED = 3;
    /** A link type this decoder does not read. */
    public static final int UNSUPPORTED_LINK = 4;

    // libpcap DLT_* values as pcap_datalink() reports them (LINKTYPE_RAW 101 is mapped to DLT_RAW by libpcap).
    public static final int DLT_NULL = 0;
    public static final int DLT_EN10MB = 1;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_BSD = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int DLT_LINUX_SLL = 113;
    public static final int DLT_IPV4 = 228;
    public static final int DLT_IPV6 = 229;
    public static final int DLT_LINUX_SLL2 = 276;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;

    private static final long V4_MAPPED_HI = 0L;
    private static final long V4_MAPPED_LO_PREFIX = 0x0000_ffff_0000_0000L;
    /** More than this many IPv6 extension headers is treated as garbage rather than walked forever. */
    private static final int MAX_EXTENSION_HEADERS = 10;

    /**
     * Decodes one captured frame.
     *
     * @param data     the captured bytes
     * @param length   how many of them were captured
     * @param linkType the capture's DLT
     * @param out      filled on {@link #OK}
     * @return one of {@link #OK}, {@link #NOT_IP}, {@link #FRAGMENT}, {@link #MALFORMED}, {@link #UNSUPPORTED_LINK}
     */
    public int decode(byte[] data, int length, int linkType, DecodedPacket out) {
        return decode(data, 0, length, linkType, out);
    }

    /** Decodes the frame of {@code length} captured bytes that starts at {@code offset} in {@code data}. */
    public int decode(byte[] data, int offset, int length, int linkType, DecodedPacket out) {
        out.reset();
        // From here on every position is absolute in data, and end is where the captured bytes stop.
        int end = (int) Math.min((long) offset + Math.max(0, length), data.length);
        int o = offset;
        switch (linkType) {
            case DLT_EN10MB:
                return ethernet(data, o, end, out);
            case DLT_LINUX_SLL:
                if (end < o + 16) {
                    return MALFORMED;
                }
                return byEtherType(data, end, o + 16, u16(data, o + 14), out);
            case DLT_LINUX_SLL2:
                if (end < o + 20) {
                    return MALFORMED;
                }
                return byEtherType(data, end, o + 20, u16(data, o), out);
            case DLT_RAW:
            case DLT_RAW_BSD:
            case LINKTYPE_RAW:
            case DLT_IPV4:
            case DLT_IPV6:
                return rawIp(data, end, o, out);
            case DLT_NULL:
                // BSD loopback: a 4-byte address family in the capturing host's byte order; the IP version nibble is
                // a more reliable guide than the family value, whose IPv6 number differs between BSDs.
                if (end < o + 4) {
                    return MALFORMED;
                }
                return rawIp(data, end, o + 4, out);
            default:
                return UNSUPPORTED_LINK;
        }
    }

    private int ethernet(byte[] d, int start, int len, DecodedPacket out) {
        if (len < start + 14) {
            return MALFORMED;
        }
        int off = start + 12;
        int type = u16(d, off);
        boolean outer = true;
        // 802.1Q (0x8100), 802.1ad QinQ (0x88a8) and the pre-standard 0x9100: the outer tag is the VLAN we report.
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            if (len < off + 6) {
                return MALFORMED;
            }
            if (outer) {
                out.vlan = u16(d, off + 2) & 0x0fff;
                outer = false;
            }
            off += 4;
            type = u16(d, off);
        }
        return byEtherType(d, len, off + 2, type, out);
    }

    private int byEtherType(byte[] d, int len, int off, int etherType, DecodedPacket out) {
        if (etherType == 0x0800 || etherType == 0x86dd) {
            return rawIp(d, len, off, out);
        }
        return NOT_IP;
    }

    private int rawIp(byte[] d, int len, int off, DecodedPacket out) {
        if (len < off + 1) {
            return MALFORMED;
        }
        int version = (d[off] & 0xff) >>> 4;
        if (version == 4) {
            return ipv4(d, len, off, out);
        }
        if (version == 6) {
            return ipv6(d, len, off, out);
        }
        return MALFORMED;
    }

    private int ipv4(byte[] d, int len, int off, DecodedPacket out) {
        if (len < off + 20) {
            return MALFORMED;
        }
        int ihl = (d[off] & 0x0f) * 4;
        int total = u16(d, off + 2);
        if (ihl < 20 || len < off + ihl) {
            return MALFORMED;
        }
        if (total == 0) {
            // Segmentation offload on the capturing host leaves total length 0; trust what was captured.
            total = len - off;
        }
        if (total < ihl) {
            return MALFORMED;
        }
        out.ipVersion = 4;
        out.ipLength = total;
        out.protocol = d[off + 9] & 0xff;
        out.srcHi = V4_MAPPED_HI;
        out.srcLo = V4_MAPPED_LO_PREFIX | u32(d, off + 12);
        out.dstHi = V4_MAPPED_HI;
        out.dstLo = V4_MAPPED_LO_PREFIX | u32(d, off + 16);
        int flagsOffset = u16(d, off + 6);
        if ((flagsOffset & 0x3fff) != 0) {
            // More-fragments set or a non-zero offset: the first fragment too, whose TCP header may be cut (nmap -f).
            out.fragId = u16(d, off + 4);
            out.fragOffset = (flagsOffset & 0x1fff) * 8;
            out.fragMore = (flagsOffset & 0x2000) != 0;
            out.fragIpStart = off;
            out.fragHeaderLength = ihl;
            out.fragNextHeaderAt = -1;
            out.fragDataStart = off + ihl;
            out.fragDataLength = total - ihl;
            out.fragDataCaptured = Math.max(0, Math.min(len, off + total) - (off + ihl));
            return FRAGMENT;
        }
        int l4 = off + ihl;
        int l4Length = total - ihl;
        return transport(d, Math.min(len, off + total), l4, l4Length, out);
    }

    private int ipv6(byte[] d, int len, int off, DecodedPacket out) {
        if (len < off + 40) {
            return MALFORMED;
        }
        int payload = u16(d, off + 4);
        if (payload == 0) {
            // A jumbogram (hop-by-hop option) or offload: use what was captured.
            payload = len - off - 40;
        }
        out.ipVersion = 6;
        out.ipLength = 40 + payload;
        out.srcHi = u64(d, off + 8);
        out.srcLo = u64(d, off + 16);
        out.dstHi = u64(d, off + 24);
        out.dstLo = u64(d, off + 32);
        int end = Math.min(len, off + 40 + payload);
        int next = d[off + 6] & 0xff;
        int nextAt = off + 6;
        int p = off + 40;
        for (int i = 0; ; i++) {
            if (i > MAX_EXTENSION_HEADERS) {
                return MALFORMED;
            }
            switch (next) {
                case 0:   // hop-by-hop options
                case 43:  // routing
                case 60:  // destination options
                case 135: // mobility
                case 139: // HIP
                case 140: // shim6
                    if (end < p + 2) {
                        return MALFORMED;
                    }
                    nextAt = p;
                    next = d[p] & 0xff;
                    p += ((d[p + 1] & 0xff) + 1) * 8;
                    break;
                case 51:  // AH counts its length in 4-byte units, minus 2
                    if (end < p + 2) {
                        return MALFORMED;
                    }
                    nextAt = p;
                    next = d[p] & 0xff;
                    p += ((d[p + 1] & 0xff) + 2) * 4;
                    break;
                case 44:  // fragment
                    if (end < p + 8) {
                        return MALFORMED;
                    }
                    out.protocol = d[p] & 0xff;
                    int offsetFlags = u16(d, p + 2);
                    if ((offsetFlags & 0xfff9) != 0) {
                        // An offset or the M flag: a real fragment. An atomic fragment (both zero, RFC 6946) is
                        // decoded as the whole packet it is.
                        int dataStart = p + 8;
                        int datagramEnd = off + 40 + payload;
                        if (dataStart > datagramEnd) {
                            return MALFORMED;
                        }
                        out.fragId = (int) u32(d, p + 4);
                        out.fragOffset = offsetFlags & 0xfff8;
                        out.fragMore = (offsetFlags & 1) != 0;
                        out.fragIpStart = off;
                        out.fragHeaderLength = p - off;
                        out.fragNextHeaderAt = nextAt;
                        out.fragDataStart = dataStart;
                        out.fragDataLength = datagramEnd - dataStart;
                        out.fragDataCaptured = Math.max(0, end - dataStart);
                        return FRAGMENT;
                    }
                    nextAt = p;
                    next = d[p] & 0xff;
                    p += 8;
                    break;
                default:
                    out.protocol = next;
                    if (p > off + 40 + payload) {
                        return MALFORMED;
                    }
                    return transport(d, end, p, off + 40 + payload - p, out);
            }
        }
    }

    /** {@code end} is where captured bytes of this IP packet stop; {@code l4Length} what the IP header claims. */
    private int transport(byte[] d, int end, int p, int l4Length, DecodedPacket out) {
        int captured = end - p;
        switch (out.protocol) {
            case PROTO_TCP: {
                if (captured < 14) {
                    return MALFORMED;
                }
                out.srcPort = u16(d, p);
                out.dstPort = u16(d, p + 2);
                int dataOffset = ((d[p + 12] & 0xff) >>> 4) * 4;
                if (dataOffset < 20) {
                    return MALFORMED;
                }
                out.tcpFlags = d[p + 13] & 0xff;
                out.payloadLength = Math.max(0, l4Length - dataOffset);
                out.hasTransport = true;
                return OK;
            }
            case PROTO_UDP: {
                if (captured < 8) {
                    return MALFORMED;
                }
                out.srcPort = u16(d, p);
                out.dstPort = u16(d, p + 2);
                out.payloadLength = Math.max(0, l4Length - 8);
                out.hasTransport = true;
                return OK;
            }
            case PROTO_ICMP:
            case PROTO_ICMPV6: {
                if (captured < 4) {
                    return MALFORMED;
                }
                int type = d[p] & 0xff;
                out.srcPort = type;
                out.dstPort = d[p + 1] & 0xff;
                out.payloadLength = Math.max(0, l4Length - 8);
                out.hasTransport = true;
                if (isIcmpError(out.protocol, type) && captured >= 8 + 20) {
                    quoted(d, end, p + 8, out);
                }
                return OK;
            }
            default:
                // Other protocols (GRE, ESP, SCTP...) are metered by address pair and protocol only.
                out.payloadLength = Math.max(0, l4Length);
                return OK;
        }
    }

    /** True for ICMP messages that carry the header of the packet they answer. */
    public static boolean isIcmpError(int protocol, int type) {
        if (protocol == PROTO_ICMP) {
            return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }
        return protocol == PROTO_ICMPV6 && type >= 1 && type <= 4;
    }

    /** Parses the quoted IP header and first 8 transport bytes; leaves {@code quotes} false if they do not parse. */
    private void quoted(byte[] d, int end, int p, DecodedPacket out) {
        int version = (d[p] & 0xff) >>> 4;
        int q;
        if (version == 4) {
            int ihl = (d[p] & 0x0f) * 4;
            if (ihl < 20 || end < p + ihl) {
                return;
            }
            if ((u16(d, p + 6) & 0x1fff) != 0) {
                return;
            }
            out.quotedProtocol = d[p + 9] & 0xff;
            out.quotedSrcHi = V4_MAPPED_HI;
            out.quotedSrcLo = V4_MAPPED_LO_PREFIX | u32(d, p + 12);
            out.quotedDstHi = V4_MAPPED_HI;
            out.quotedDstLo = V4_MAPPED_LO_PREFIX | u32(d, p + 16);
            q = p + ihl;
        } else if (version == 6) {
            if (end < p + 40) {
                return;
            }
            out.quotedSrcHi = u64(d, p + 8);
            out.quotedSrcLo = u64(d, p + 16);
            out.quotedDstHi = u64(d, p + 24);
            out.quotedDstLo = u64(d, p + 32);
            int next = d[p + 6] & 0xff;
            q = p + 40;
            for (int i = 0; i <= MAX_EXTENSION_HEADERS && (next == 0 || next == 43 || next == 60); i++) {
                if (end < q + 2) {
                    return;
                }
                next = d[q] & 0xff;
                q += ((d[q + 1] & 0xff) + 1) * 8;
            }
            out.quotedProtocol = next;
        } else {
            return;
        }
        int proto = out.quotedProtocol;
        if (proto == PROTO_TCP || proto == PROTO_UDP) {
            if (end < q + 4) {
                return;
            }
            out.quotedSrcPort = u16(d, q);
            out.quotedDstPort = u16(d, q + 2);
        } else if (proto == PROTO_ICMP || proto == PROTO_ICMPV6) {
            if (end < q + 2) {
                return;
            }
            out.quotedSrcPort = d[q] & 0xff;
            out.quotedDstPort = d[q + 1] & 0xff;
        }
        out.quotedVersion = version;
        out.quotes = true;
    }

    static int u16(byte[] d, int i) {
        return ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
    }

    static long u32(byte[] d, int i) {
        return ((long) (d[i] & 0xff) << 24) | ((d[i + 1] & 0xff) << 16) | ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
    }

    static long u64(byte[] d, int i) {
        return (u32(d, i) << 32) | u32(d, i + 4);
    }
}
