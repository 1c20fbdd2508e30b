package io.vigil.sensor.decode;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.vigil.sensor.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketDecoderTest {

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket p = new DecodedPacket();

    private int decode(byte[] frame) {
        return decoder.decode(frame, frame.length, PacketDecoder.DLT_EN10MB, p);
    }

    @Test
    void decodesUntaggedIpv4Tcp() {
        assertEquals(PacketDecoder.OK, decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, SYN | ACK, 10)))));
        assertEquals(4, p.ipVersion);
        assertEquals(0x0000_ffff_0a00_0001L, p.srcLo);
        assertEquals(0x0000_ffff_0a00_0002L, p.dstLo);
        assertEquals(6, p.protocol);
        assertEquals(1234, p.srcPort);
        assertEquals(80, p.dstPort);
        assertEquals(SYN | ACK, p.tcpFlags);
        assertEquals(10, p.payloadLength);
        assertEquals(50, p.ipLength);
        assertEquals(0, p.vlan);
    }

    @Test
    void reportsTheOuterTagOfQinQ() {
        assertEquals(PacketDecoder.OK, decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(5353, 53, 20)), 100)));
        assertEquals(100, p.vlan);
        assertEquals(PacketDecoder.OK, decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(5353, 53, 20)), 0x2000 | 300, 42)));
        assertEquals(300, p.vlan, "outer VID, priority bits masked off");
        assertEquals(17, p.protocol);
        assertEquals(53, p.dstPort);
        assertEquals(20, p.payloadLength);
    }

    @Test
    void walksIpv6ExtensionHeaders() {
        byte[] frame = ethernet(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40000, 443, SYN, 0), 0, 60, 44));
        assertEquals(PacketDecoder.OK, decode(frame));
        assertEquals(6, p.ipVersion);
        assertEquals(6, p.protocol);
        assertEquals(443, p.dstPort);
        assertEquals(0x2001_0db8_0000_0000L, p.srcHi);
        assertEquals(1L, p.srcLo);
        assertEquals(40 + 16 + 16 + 8 + 20, p.ipLength);
    }

    @Test
    void decodesIcmpv6AndLinuxCookedCapture() {
        byte[] ip = ipv6("fe80::1", "fe80::2", 58, icmp(128, 0, new byte[8]));
        byte[] sll = new byte[16 + ip.length];
        sll[14] = (byte) 0x86;
        sll[15] = (byte) 0xdd;
        System.arraycopy(ip, 0, sll, 16, ip.length);
        assertEquals(PacketDecoder.OK, decoder.decode(sll, sll.length, PacketDecoder.DLT_LINUX_SLL, p));
        assertEquals(58, p.protocol);
        assertEquals(128, p.srcPort, "ICMP type in the source-port slot");
    }

    @Test
    void readsTheQuotedPacketOfAnIcmpError() {
        byte[] probe = ipv4("10.0.0.1", "10.0.0.2", 17, udp(40000, 161, 30));
        byte[] error = ipv4("10.0.0.2", "10.0.0.1", 1, icmp(3, 3, Arrays.copyOf(probe, 28)));
        assertEquals(PacketDecoder.OK, decode(ethernet(error)));
        assertTrue(p.quotes);
        assertEquals(17, p.quotedProtocol);
        assertEquals(40000, p.quotedSrcPort);
        assertEquals(161, p.quotedDstPort);
        assertEquals(0x0000_ffff_0a00_0001L, p.quotedSrcLo);
    }

    @Test
    void countsNonIpAndLaterFragmentsSeparately() {
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(PacketDecoder.NOT_IP, decode(arp));
        byte[] ip = ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, 100));
        ip[6] = 0;
        ip[7] = 100; // fragment offset 800 bytes
        assertEquals(PacketDecoder.FRAGMENT, decode(ethernet(ip)));
    }

    @Test
    void firstFragmentsGoToReassemblyWithTheirPiecesLocated() {
        byte[] tcp = tcp(40000, 80, SYN, 0);
        byte[] v4 = ipv4Fragment("10.0.0.1", "10.0.0.2", 6, 0xbeef, 0, true, Arrays.copyOf(tcp, 8));
        assertEquals(PacketDecoder.FRAGMENT, decode(ethernet(v4)), "8 bytes of TCP: the flags are in a later piece");
        assertEquals(0xbeef, p.fragId);
        assertEquals(0, p.fragOffset);
        assertTrue(p.fragMore);
        assertEquals(14, p.fragIpStart);
        assertEquals(20, p.fragHeaderLength);
        assertEquals(34, p.fragDataStart);
        assertEquals(8, p.fragDataLength);
        assertEquals(8, p.fragDataCaptured);
        assertEquals(6, p.protocol);
        byte[] v6 = ipv6Fragment("2001:db8::1", "2001:db8::2", 17, 0x7fff_0001, 1232, false, new byte[100], true);
        byte[] frame = ethernet(v6);
        assertEquals(PacketDecoder.FRAGMENT, decoder.decode(frame, 14 + 40 + 16 + 60, PacketDecoder.DLT_EN10MB, p));
        assertEquals(0x7fff_0001, p.fragId);
        assertEquals(1232, p.fragOffset);
        assertFalse(p.fragMore);
        assertEquals(17, p.protocol);
        assertEquals(48, p.fragHeaderLength, "fixed header and hop-by-hop: the unfragmentable part");
        assertEquals(14 + 40, p.fragNextHeaderAt, "hop-by-hop's next-header byte names the fragment header");
        assertEquals(100, p.fragDataLength);
        assertEquals(60, p.fragDataCaptured, "the snaplen cut the frame");
    }

    @Test
    void truncatedPacketsAreMalformedNotExceptions() {
        byte[] full = ethernet(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(1, 2, SYN, 0), 0, 43));
        for (int len = 0; len < 14 + 40 + 16 + 14; len++) {
            int rc = decoder.decode(full, len, PacketDecoder.DLT_EN10MB, p);
            assertEquals(len < 14 ? PacketDecoder.MALFORMED : rc, rc);
            assertTrue(rc == PacketDecoder.MALFORMED, "length " + len + " gave " + rc);
        }
        byte[] tagged = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1, 2, SYN, 0)), 5, 6);
        assertEquals(PacketDecoder.MALFORMED, decoder.decode(tagged, 17, PacketDecoder.DLT_EN10MB, p));
        assertEquals(PacketDecoder.MALFORMED, decoder.decode(tagged, 14 + 8 + 30, PacketDecoder.DLT_EN10MB, p));
    }

    @Test
    void randomGarbageNeverThrows() {
        Random random = new Random(7);
        byte[] buf = new byte[200];
        int malformed = 0;
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(buf);
            if (i % 2 == 0) {
                buf[12] = 0x08;
                buf[13] = 0x00;
                buf[14] = (byte) (0x40 | (buf[14] & 0x0f));
            }
            int rc = decoder.decode(buf, random.nextInt(buf.length + 1), random.nextInt(4) == 0 ? 113 : 1, p);
            if (rc == PacketDecoder.MALFORMED) {
                malformed++;
            }
        }
        assertTrue(malformed > 0);
    }

    @Test
    void unknownLinkTypeIsReported() {
        assertEquals(PacketDecoder.UNSUPPORTED_LINK, decoder.decode(new byte[60], 60, 127, p));
        assertFalse(p.hasTransport);
    }
}
