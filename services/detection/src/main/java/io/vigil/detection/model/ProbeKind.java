package io.vigil.detection.model;

/** What kind of attempt a flow was, from its protocol, ICMP type and the initiator's TCP flags. */
public enum ProbeKind {
    /** TCP opened with a SYN: a connection attempt (or a SYN scan / SYN ping). */
    SYN,
    /** TCP whose initiator sent only ACKs and got no session: an ACK ping. */
    ACK_PING,
    /** TCP without SYN, ACK or RST from the initiator: FIN, NULL and Xmas scans. */
    STEALTH,
    /** ICMP / ICMPv6 echo request. */
    ICMP_ECHO,
    UDP,
    /** Anything else (established mid-stream TCP, backscatter, other ICMP): never scan evidence. */
    OTHER
}
