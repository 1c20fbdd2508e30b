package io.vigil.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who may open a TCP connection to which pod and port under a set of NetworkPolicies (ingress rules), and where a pod
 * may connect to (egress rules), evaluated the way the Kubernetes NetworkPolicy API defines it: a pod no policy selects
 * (for that direction) is unrestricted; a selected pod is allowed what at least one rule of one selecting policy
 * allows. All policies are in the application's namespace.
 */
final class NetworkReach {

    /** A connecting pod: its namespace's labels (null: the application's own namespace) and its own labels. */
    record Source(String name, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
    }

    /**
     * Where a pod connects to: another pod (its namespace's labels, null for the application's own, its labels and its
     * pod address) or an address outside the cluster (labels null).
     */
    record Destination(String name, Map<String, String> namespaceLabels, Map<String, String> podLabels, String ip, int port,
                       String protocol) {

        static Destination address(String ip, int port, String protocol) {
            return new Destination(ip + ":" + port + "/" + protocol, null, null, ip, port, protocol);
        }
    }

    private final List<NetworkPolicy> policies;

    NetworkReach(List<NetworkPolicy> policies) {
        this.policies = policies;
    }

    boolean admits(Map<String, String> targetLabels, int port, Source source) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes() == null || p.getSpec().getPolicyTypes().isEmpty()
                        || p.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(p -> matches(p.getSpec().getPodSelector(), targetLabels))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> p.getSpec().getIngress() == null ? Stream.empty() : p.getSpec().getIngress().stream())
                .anyMatch(rule -> portMatches(rule, port) && fromMatches(rule, source));
    }

    /** Whether a pod labelled {@code sourceLabels} may open a connection to {@code to}. */
    boolean egressAdmits(Map<String, String> sourceLabels, Destination to) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes() != null && p.getSpec().getPolicyTypes().contains("Egress"))
                .filter(p -> matches(p.getSpec().getPodSelector(), sourceLabels))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> p.getSpec().getEgress() == null ? Stream.empty() : p.getSpec().getEgress().stream())
                .anyMatch(rule -> portMatches(rule.getPorts(), to.port(), to.protocol()) && toMatches(rule, to));
    }

    private static boolean toMatches(NetworkPolicyEgressRule rule, Destination to) {
        List<NetworkPolicyPeer> peers = rule.getTo();
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                if (to.ip() != null && inBlock(peer.getIpBlock(), to.ip())) {
                    return true;
                }
                continue;
            }
            // a selector names pods, never an address outside the cluster
            if (to.podLabels() != null && selects(peer, to.namespaceLabels(), to.podLabels())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(IPBlock block, String ip) {
        return inCidr(block.getCidr(), ip) && (block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(e, ip)));
    }

    static boolean inCidr(String cidr, String ip) {
        try {
            byte[] net = InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))).getAddress();
            byte[] addr = InetAddress.getByName(ip).getAddress();
            int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
            // Java reads "::ffff:a.b.c.d" as the IPv4 address it is, so such a destination is judged by the IPv4 blocks,
            // and the block "::ffff:0:0/96" (prefix 96 on a 4-byte address) by none.
            if (net.length != addr.length || prefix > net.length * 8) {
                return false;
            }
            int bits = net.length * 8;
            BigInteger mask = prefix == 0 ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .shiftRight(bits - prefix).shiftLeft(bits - prefix);
            return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
        } catch (UnknownHostException e) {
            throw new AssertionError("not an address: " + cidr + " / " + ip, e);
        }
    }

    private static boolean portMatches(NetworkPolicyIngressRule rule, int port) {
        return portMatches(rule.getPorts(), port, "TCP");
    }

    private static boolean portMatches(List<NetworkPolicyPort> ports, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            if (!protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol())) {
                continue;
            }
            if (p.getPort() == null) {
                return true;
            }
            if (p.getPort().getIntVal() == null) {
                throw new AssertionError("named port " + p.getPort().getStrVal() + " in a NetworkPolicy: use numbers");
            }
            int end = p.getEndPort() == null ? p.getPort().getIntVal() : p.getEndPort();
            if (port >= p.getPort().getIntVal() && port <= end) {
                return true;
            }
        }
        return false;
    }

    private static boolean fromMatches(NetworkPolicyIngressRule rule, Source source) {
        List<NetworkPolicyPeer> from = rule.getFrom();
        if (from == null || from.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : from) {
            if (peer.getIpBlock() != null || selects(peer, source.namespaceLabels(), source.podLabels())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a peer's selectors name a pod of these labels, in a namespace of these (null: the application's own). */
    private static boolean selects(NetworkPolicyPeer peer, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        boolean namespaceOk = peer.getNamespaceSelector() == null
                ? namespaceLabels == null
                : matches(peer.getNamespaceSelector(), namespaceLabels == null ? Map.of(
                        "kubernetes.io/metadata.name", "<application namespace>") : namespaceLabels);
        return namespaceOk && (peer.getPodSelector() == null || matches(peer.getPodSelector(), podLabels));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions in a NetworkPolicy selector: NetworkReach evaluates matchLabels only");
        }
        Map<String, String> wanted = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
