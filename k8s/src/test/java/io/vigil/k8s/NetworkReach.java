package io.vigil.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who may open a TCP connection to which pod and port under a set of NetworkPolicies (ingress rules), evaluated
 * the way the Kubernetes NetworkPolicy API defines it: a pod no policy selects admits everything; a selected pod
 * admits what at least one rule of one selecting policy allows. All policies are in the application's namespace.
 */
final class NetworkReach {

    /** A connecting pod: its namespace's labels (null: the application's own namespace) and its own labels. */
    record Source(String name, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
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

    private static boolean portMatches(NetworkPolicyIngressRule rule, int port) {
        List<NetworkPolicyPort> ports = rule.getPorts();
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
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
            if (peer.getIpBlock() != null) {
                return true;
            }
            boolean namespaceOk = peer.getNamespaceSelector() == null
                    ? source.namespaceLabels() == null
                    : matches(peer.getNamespaceSelector(), source.namespaceLabels() == null ? Map.of(
                            "kubernetes.io/metadata.name", "<application namespace>") : source.namespaceLabels());
            boolean podOk = peer.getPodSelector() == null || matches(peer.getPodSelector(), source.podLabels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions in a NetworkPolicy selector: NetworkReach evaluates matchLabels only");
        }
        Map<String, String> wanted = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
