package io.vigil.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vigil.k8s.Manifests.Pod;
import io.vigil.k8s.NetworkReach.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders k8s/base and each overlay with kustomize and checks the result against the repository: every document
 * is a typed Kubernetes object, every service has a workload whose probes, ports and configuration keys are the
 * service's own, the NetworkPolicies admit exactly the intended connections, and every pod is non-root and sized.
 */
class ManifestTest {

    private static final Path K8S = Path.of(System.getProperty("vigil.k8s.dir", ".")).toAbsolutePath().normalize();
    private static final Path REPO = K8S.getParent();
    private static final Map<String, Manifests> RENDERS = new ConcurrentHashMap<>();
    private static final String DEV = "overlays/dev";
    private static final String PROD = "overlays/prod";

    static Manifests render(String dir) {
        return RENDERS.computeIfAbsent(dir, d -> Manifests.parse(d, Kustomize.render(K8S.resolve(d))));
    }

    /** The services in the repository: every services/NAME with a pom.xml. */
    static Set<String> services() {
        try (Stream<Path> dirs = Files.list(REPO.resolve("services"))) {
            Set<String> names = dirs.filter(d -> Files.exists(d.resolve("pom.xml")))
                    .map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertFalse(names.isEmpty(), "no services/*/pom.xml under " + REPO);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> missingWorkloads(Set<String> services, Manifests manifests) {
        Set<String> missing = new TreeSet<>(services);
        missing.removeAll(manifests.workloads().keySet());
        return missing;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyDocumentIsATypedKubernetesObjectWithVigilLabels(String dir) {
        Manifests manifests = render(dir);
        assertTrue(manifests.objects.size() > 20, dir + " rendered only " + manifests.objects.size() + " objects");
        assertEquals(2, manifests.custom.size(), dir + ": the ClickHouse and Keeper installations");
        assertEquals(2, manifests.operatorPods().size(), dir + ": one pod template each");
        Stream.of(manifests.objects, manifests.custom, manifests.monitors).flatMap(List::stream).forEach(o -> {
            Map<String, String> labels = Optional.ofNullable(o.getMetadata().getLabels()).orElse(Map.of());
            String what = dir + ": " + o.getKind() + " " + o.getMetadata().getName();
            assertNotNull(labels.get("app.kubernetes.io/name"), what + " lacks app.kubernetes.io/name");
            assertEquals("vigil", labels.get("app.kubernetes.io/part-of"), what + " lacks app.kubernetes.io/part-of");
            if (!dir.equals("base") && !(o instanceof Namespace)) {
                assertEquals(dir.equals(DEV) ? "vigil-dev" : "vigil", o.getMetadata().getNamespace(), what);
            }
        });
        manifests.workloads().values().forEach(pod -> assertEquals("vigil", pod.labels().get("app.kubernetes.io/part-of"),
                dir + ": pods of " + pod.name()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyServiceInTheRepositoryHasADeploymentOrStatefulSet(String dir) {
        assertEquals(Set.of(), missingWorkloads(services(), render(dir)), dir + ": services without a workload");
    }

    @Test
    void aServiceDirectoryWithoutManifestsIsReported() {
        Set<String> withNewService = new TreeSet<>(services());
        withNewService.add("reports");
        assertEquals(Set.of("reports"), missingWorkloads(withNewService, render(PROD)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void probesAreTheServicesOwnHealthEndpointsOnTheirConfiguredPort(String dir) {
        Manifests manifests = render(dir);
        for (String service : services()) {
            ServiceConfig config = ServiceConfig.load(REPO, service);
            assertTrue(config.hasHealth, service + " has no quarkus-smallrye-health, so no /q/health endpoints to probe");
            Container container = container(manifests, service);
            Map<String, String> env = environment(manifests, container);
            boolean management = Boolean.parseBoolean(ServiceConfig.effective(config, env, "quarkus.management.enabled", "false"));
            int port = Integer.parseInt(management
                    ? ServiceConfig.effective(config, env, "quarkus.management.port", "9000")
                    : ServiceConfig.effective(config, env, "quarkus.http.port", "8080"));
            String root = management
                    ? ServiceConfig.effective(config, env, "quarkus.management.root-path", "/q")
                    : "/" + ServiceConfig.effective(config, env, "quarkus.http.non-application-root-path", "q");
            String health = root.replaceAll("/+$", "") + "/" + ServiceConfig.effective(config, env, "quarkus.smallrye-health.root-path", "health");
            Map<String, Probe> probes = new LinkedHashMap<>();
            probes.put(health + "/" + ServiceConfig.effective(config, env, "quarkus.smallrye-health.liveness-path", "live"), container.getLivenessProbe());
            probes.put(health + "/" + ServiceConfig.effective(config, env, "quarkus.smallrye-health.readiness-path", "ready"), container.getReadinessProbe());
            probes.put(health + "/" + ServiceConfig.effective(config, env, "quarkus.smallrye-health.startup-path", "started"), container.getStartupProbe());
            probes.forEach((path, probe) -> {
                String what = dir + ": " + service + " probe " + path;
                assertNotNull(probe, what + " missing");
                HTTPGetAction get = probe.getHttpGet();
                assertNotNull(get, what + " is not an HTTP GET");
                assertEquals(path, get.getPath(), what);
                assertEquals(port, containerPort(container, get.getPort()), what + ": port");
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void eachServicesServiceReachesItsHttpPort(String dir) {
        Manifests manifests = render(dir);
        for (String service : services()) {
            ServiceConfig config = ServiceConfig.load(REPO, service);
            Container container = container(manifests, service);
            int port = Integer.parseInt(ServiceConfig.effective(config, environment(manifests, container), "quarkus.http.port", "8080"));
            Service svc = manifests.find(Service.class, service).orElseThrow(() -> new AssertionError(dir + ": no Service " + service));
            Pod pod = manifests.workloads().get(service);
            assertTrue(NetworkReach.matches(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                    .withMatchLabels(svc.getSpec().getSelector()).build(), pod.labels()), dir + ": Service " + service + " selects no pod of it");
            for (ServicePort p : svc.getSpec().getPorts()) {
                assertEquals(port, containerPort(container, p.getTargetPort()), dir + ": Service " + service + " port " + p.getName());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void configurationIsKeyedByTheServicesOwnPropertyNamesAndSuppliesWhatProdLacks(String dir) {
        Manifests manifests = render(dir);
        Map<String, Set<String>> secretKeys = secretContract();
        for (String service : services()) {
            ServiceConfig config = ServiceConfig.load(REPO, service);
            Container container = container(manifests, service);
            Set<String> supplied = new TreeSet<>();
            for (EnvFromSource from : container.getEnvFrom()) {
                if (from.getConfigMapRef() != null) {
                    ConfigMap map = configMap(manifests, from.getConfigMapRef().getName());
                    for (String key : map.getData().keySet()) {
                        assertTrue(config.knows(key), dir + ": ConfigMap " + map.getMetadata().getName() + " key " + key
                                + " is no property of " + service);
                        assertFalse(key.contains("password") || key.contains("secret"),
                                dir + ": " + key + " belongs in a Secret, not in ConfigMap " + map.getMetadata().getName());
                        supplied.add(key);
                    }
                }
                if (from.getSecretRef() != null) {
                    Set<String> keys = secretKeys.get(from.getSecretRef().getName());
                    assertNotNull(keys, dir + ": " + service + " reads Secret " + from.getSecretRef().getName() + ", which dev does not define");
                    keys.forEach(key -> assertTrue(config.knows(key), "Secret key " + key + " is no property of " + service));
                    supplied.addAll(keys);
                }
            }
            container.getEnv().forEach(e -> supplied.add(e.getName()));
            Set<String> missing = new TreeSet<>(config.notInProd);
            missing.removeAll(supplied);
            assertEquals(Set.of(), missing, dir + ": " + service + " has no prod value for these and the manifests give none");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {DEV, PROD})
    void everyReferencedConfigMapAndSecretIsThere(String dir) {
        Manifests manifests = render(dir);
        Map<String, Set<String>> secretKeys = secretContract();
        List<Pod> pods = new ArrayList<>(manifests.workloads().values());
        for (Pod pod : pods) {
            for (Container c : containers(pod)) {
                for (EnvFromSource from : c.getEnvFrom()) {
                    if (from.getConfigMapRef() != null) {
                        configMap(manifests, from.getConfigMapRef().getName());
                    }
                    if (from.getSecretRef() != null) {
                        secret(manifests, dir, secretKeys, from.getSecretRef().getName(), null);
                    }
                }
                for (EnvVar e : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        secret(manifests, dir, secretKeys, e.getValueFrom().getSecretKeyRef().getName(), e.getValueFrom().getSecretKeyRef().getKey());
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        assertTrue(configMap(manifests, e.getValueFrom().getConfigMapKeyRef().getName()).getData()
                                .containsKey(e.getValueFrom().getConfigMapKeyRef().getKey()), dir + ": " + e.getName());
                    }
                }
            }
            for (Volume v : pod.spec().getVolumes()) {
                if (v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                    configMap(manifests, v.getConfigMap().getName());
                }
            }
        }
        for (GenericKubernetesResource chi : manifests.custom) {
            Manifests.tree(chi).path("spec").path("configuration").path("users").fields().forEachRemaining(user -> {
                if (user.getKey().endsWith("/k8s_secret_password")) {
                    String[] ref = user.getValue().asText().split("/");
                    secret(manifests, dir, secretKeys, ref[0], ref[1]);
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void networkPoliciesAdmitExactlyTheIntendedConnections(String dir) {
        Manifests manifests = render(dir);
        List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class);
        assertTrue(policies.stream().anyMatch(p -> Optional.ofNullable(p.getSpec().getPodSelector().getMatchLabels()).orElse(Map.of()).isEmpty()
                        && p.getSpec().getPolicyTypes().contains("Ingress")
                        && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty())),
                dir + ": no default-deny ingress policy");
        NetworkReach reach = new NetworkReach(policies);

        Map<String, Pod> targets = new LinkedHashMap<>(manifests.workloads());
        manifests.operatorPods().forEach(p -> targets.put(p.labels().get("app.kubernetes.io/name"), p));
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        targets.forEach((name, pod) -> ports.put(name, containers(pod).stream()
                .flatMap(c -> c.getPorts().stream()).map(ContainerPort::getContainerPort).toList()));
        // The operator's pods declare their ports themselves: HTTP, native, interserver; Keeper client and Raft.
        ports.put("clickhouse", List.of(8123, 9000, 9009));
        ports.put("clickhouse-keeper", List.of(2181, 9234));

        List<Source> sources = new ArrayList<>();
        sources.add(new Source("ingress-nginx", Map.of("kubernetes.io/metadata.name", "ingress-nginx"),
                Map.of("app.kubernetes.io/name", "ingress-nginx")));
        sources.add(new Source("monitoring", Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app", "prometheus")));
        sources.add(new Source("clickhouse-operator", Map.of("kubernetes.io/metadata.name", "kube-system"),
                Map.of("app", "clickhouse-operator")));
        sources.add(new Source("other-namespace", Map.of("kubernetes.io/metadata.name", "customer-x"),
                Map.of("app.kubernetes.io/name", "ingest")));
        sources.add(new Source("unlabelled-pod", null, Map.of()));
        targets.forEach((name, pod) -> sources.add(new Source(name, null, pod.labels())));

        Set<String> admitted = new TreeSet<>();
        for (Source source : sources) {
            targets.forEach((name, pod) -> ports.get(name).forEach(port -> {
                if (reach.admits(pod.labels(), port, source)) {
                    admitted.add(source.name() + " -> " + name + ":" + port);
                }
            }));
        }
        Set<String> intended = new TreeSet<>(List.of(
                // From outside, only through the ingress controller: sensors' gRPC to ingest, REST, tokens.
                "ingress-nginx -> ingest:18090",
                "ingress-nginx -> tenants:18091",
                "ingress-nginx -> detection:18092",
                "ingress-nginx -> keycloak:8080",
                "ingress-nginx -> portal:18093",
                // Prometheus scrapes every service's /q/metrics (the HPA's stream metric comes from ingest's).
                "monitoring -> ingest:18090",
                "monitoring -> tenants:18091",
                "monitoring -> detection:18092",
                "monitoring -> portal:18093",
                "clickhouse-operator -> clickhouse:8123",
                "ingest -> keycloak:8080",
                "ingest -> clickhouse:8123",
                "ingest -> tenants:18091",
                "tenants -> keycloak:8080",
                "tenants -> postgres:5432",
                "detection -> tenants:18091",
                "detection -> keycloak:8080",
                "detection -> postgres:5432",
                "detection -> clickhouse:8123",
                "portal -> tenants:18091",
                "portal -> detection:18092",
                "portal -> keycloak:8080",
                "keycloak -> keycloak:7800",
                "keycloak -> keycloak:57800",
                "keycloak -> postgres:5432",
                "clickhouse -> clickhouse:8123",
                "clickhouse -> clickhouse:9000",
                "clickhouse -> clickhouse:9009",
                "clickhouse -> clickhouse-keeper:2181",
                "clickhouse-keeper -> clickhouse-keeper:2181",
                "clickhouse-keeper -> clickhouse-keeper:9234"));
        assertEquals(intended, admitted, dir + ": connections the NetworkPolicies admit");
    }

    /**
     * Detection connects to receivers its tenants choose (webhooks, syslog), so its egress is fenced: cluster DNS, its
     * databases, tenants, Keycloak and public addresses on any port; never another workload, a private, shared,
     * loopback or link-local address (the cloud metadata service among them), nor an IPv6 form that embeds one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void detectionReachesOnlyDnsItsDatabasesTenantsKeycloakAndPublicAddresses(String dir) {
        Manifests manifests = render(dir);
        NetworkReach reach = new NetworkReach(manifests.all(NetworkPolicy.class));
        Map<String, String> detection = manifests.workloads().get("detection").labels();
        Map<String, Pod> pods = new LinkedHashMap<>(manifests.workloads());
        manifests.operatorPods().forEach(p -> pods.put(p.labels().get("app.kubernetes.io/name"), p));
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        pods.forEach((name, pod) -> ports.put(name, containers(pod).stream().flatMap(c -> c.getPorts().stream())
                .map(ContainerPort::getContainerPort).toList()));
        ports.put("clickhouse", List.of(8123, 9000, 9009));
        ports.put("clickhouse-keeper", List.of(2181, 9234));

        List<NetworkReach.Destination> destinations = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Pod> pod : pods.entrySet()) {
            for (int port : ports.get(pod.getKey())) {
                destinations.add(new NetworkReach.Destination(pod.getKey() + ":" + port, null, pod.getValue().labels(),
                        "10.244.0." + (++n), port, "TCP"));
            }
        }
        Map<String, String> kubeSystem = Map.of("kubernetes.io/metadata.name", "kube-system");
        destinations.add(new NetworkReach.Destination("kube-dns:53/UDP", kubeSystem, Map.of("k8s-app", "kube-dns"), "10.96.0.10", 53, "UDP"));
        destinations.add(new NetworkReach.Destination("kube-dns:53/TCP", kubeSystem, Map.of("k8s-app", "kube-dns"), "10.96.0.10", 53, "TCP"));
        destinations.add(new NetworkReach.Destination("kube-apiserver:443", kubeSystem, Map.of("component", "kube-apiserver"), "10.96.0.1", 443, "TCP"));
        destinations.add(new NetworkReach.Destination("other-namespace:8080", Map.of("kubernetes.io/metadata.name", "customer-x"),
                Map.of("app", "x"), "10.244.9.9", 8080, "TCP"));
        for (String ip : List.of("93.184.216.34", "8.8.8.8", "2606:4700::1111", "169.254.169.254", "10.0.0.1", "172.16.5.5",
                "192.168.1.1", "100.64.0.1", "127.0.0.1", "0.0.0.0", "198.18.0.1", "224.0.0.1", "::1", "fd00::1", "fe80::1",
                "::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1")) {
            destinations.add(NetworkReach.Destination.address(ip, 443, "TCP"));
        }
        destinations.add(NetworkReach.Destination.address("203.0.113.50", 6514, "TCP"));
        destinations.add(NetworkReach.Destination.address("203.0.113.50", 514, "UDP"));

        Set<String> admitted = destinations.stream().filter(d -> reach.egressAdmits(detection, d))
                .map(NetworkReach.Destination::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("kube-dns:53/UDP", "kube-dns:53/TCP", "postgres:5432", "clickhouse:8123",
                "tenants:18091", "keycloak:8080", "93.184.216.34:443/TCP", "8.8.8.8:443/TCP", "2606:4700::1111:443/TCP",
                "203.0.113.50:6514/TCP", "203.0.113.50:514/UDP")), admitted, dir + ": where detection may connect");
    }

    /**
     * Each service logs in to PostgreSQL and ClickHouse as a user of its own, created by the manifests: tenants and
     * detection each own their schema and nothing else, and only ingest may write to ClickHouse (detection's and
     * tenants' users have a read-only profile), so a flaw in detection cannot forge flows.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void eachServiceHasItsOwnDatabaseUsersAndOnlyIngestWritesToClickHouse(String dir) {
        Manifests manifests = render(dir);
        Map<String, String> pg = new TreeMap<>();
        Map<String, String> clickhouse = new TreeMap<>();
        for (String service : List.of("ingest", "tenants", "detection")) {
            Map<String, String> env = environment(manifests, container(manifests, service));
            if (!service.equals("ingest")) {
                pg.put(service, env.get("vigil.pg.user"));
            }
            clickhouse.put(service, env.get("vigil.clickhouse.user"));
        }
        assertEquals(2, new TreeSet<>(pg.values()).size(), dir + ": one PostgreSQL user each: " + pg);
        assertEquals(3, new TreeSet<>(clickhouse.values()).size(), dir + ": one ClickHouse user each: " + clickhouse);

        String init = manifests.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().startsWith("vigil-postgres-init"))
                .findFirst().orElseThrow().getData().get("init-databases.sh");
        for (String user : pg.values()) {
            assertTrue(init.contains("CREATE ROLE " + user + " LOGIN"), dir + ": the init script creates " + user);
            assertTrue(Pattern.compile("GRANT CONNECT, CREATE ON DATABASE vigil TO [^;]*\\b" + user + "\\b").matcher(init).find(),
                    dir + ": " + user + " may create its schema");
        }
        assertTrue(init.contains("CREATE ROLE vigil NOLOGIN"), dir + ": the database's owner logs in as nobody");

        com.fasterxml.jackson.databind.JsonNode configuration = Manifests.tree(manifests.custom.stream()
                .filter(r -> r.getKind().equals("ClickHouseInstallation")).findFirst().orElseThrow()).path("spec").path("configuration");
        for (Map.Entry<String, String> e : clickhouse.entrySet()) {
            String profile = configuration.path("users").path(e.getValue() + "/profile").asText(null);
            assertNotNull(profile, dir + ": ClickHouse has no user " + e.getValue());
            int readonly = configuration.path("profiles").path(profile + "/readonly").asInt(0);
            assertEquals(!e.getKey().equals("ingest"), readonly > 0, dir + ": " + e.getKey() + "'s ClickHouse user " + e.getValue()
                    + " (profile " + profile + ", readonly " + readonly + ")");
        }
    }

    /**
     * The services run in cluster mode against the ClickHouse the manifests deploy: vigil.clickhouse.cluster names the
     * installation's cluster, and vigil.clickhouse.url lists every replica's own Service (the operator's
     * chi-{chi}-{cluster}-{shard}-{replica}), because the migrator adds columns node by node and ingest checks a retried
     * batch on every replica. Without it the migrator would create plain MergeTree tables behind the load-balanced
     * Service: each insert would land on one replica, reads would see a random part of the data, and exactly-once
     * storage would be lost.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void theServicesClusterSettingMatchesTheClickHouseLayout(String dir) {
        Manifests manifests = render(dir);
        com.fasterxml.jackson.databind.JsonNode chi = Manifests.tree(manifests.custom("ClickHouseInstallation", "vigil"));
        com.fasterxml.jackson.databind.JsonNode cluster = chi.path("spec").path("configuration").path("clusters").get(0);
        String name = cluster.path("name").asText();
        List<String> nodes = new ArrayList<>();
        for (int shard = 0; shard < cluster.path("layout").path("shardsCount").asInt(); shard++) {
            for (int replica = 0; replica < cluster.path("layout").path("replicasCount").asInt(); replica++) {
                nodes.add("http://chi-" + chi.path("metadata").path("name").asText() + "-" + name + "-" + shard + "-"
                        + replica + ":8123");
            }
        }
        for (String service : List.of("ingest", "tenants", "detection")) {
            Map<String, String> env = environment(manifests, container(manifests, service));
            assertEquals(name, env.get("vigil.clickhouse.cluster"), dir + ": " + service + "'s vigil.clickhouse.cluster");
            assertEquals(nodes, List.of(env.getOrDefault("vigil.clickhouse.url", "").split(",")),
                    dir + ": " + service + "'s vigil.clickhouse.url lists each replica of " + cluster.path("layout"));
        }
    }

    /** The master realm (whose admins rule every realm) and any other realm stay inside the cluster. */
    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void theAuthHostPublishesOnlyTheVigilRealm(String dir) {
        Ingress auth = render(dir).find(Ingress.class, "auth").orElseThrow();
        Set<String> paths = auth.getSpec().getRules().stream().flatMap(r -> r.getHttp().getPaths().stream())
                .map(HTTPIngressPath::getPath).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("/realms/vigil", "/resources")), paths, dir + ": paths of the auth host");
    }

    /**
     * Prod imports a realm without the dev realm's people, sensors, dev clients and secrets, that locks out password
     * guessers and needs TLS from outside, and whose tenants service account manages clients only (it could otherwise
     * rewrite any person's msp_id); its roles and client scopes are the dev realm's, so the two cannot drift.
     */
    @Test
    void prodImportsARealmThatLocksOutGuessersNeedsTlsAndKeepsTheTenantsAccountToClients() throws IOException {
        Manifests prod = render(PROD);
        ConfigMap realmMap = prod.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().startsWith("vigil-realm"))
                .findFirst().orElseThrow(() -> new AssertionError("prod: no ConfigMap vigil-realm"));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode realm = json.readTree(realmMap.getData().get("vigil-realm.json"));
        com.fasterxml.jackson.databind.JsonNode dev = json.readTree(REPO.resolve("scripts/keycloak/vigil-realm.json").toFile());
        assertEquals("vigil", realm.path("realm").asText());
        assertTrue(realm.path("bruteForceProtected").asBoolean(), "brute-force protection");
        assertTrue(Set.of("external", "all").contains(realm.path("sslRequired").asText()), "TLS required: " + realm.path("sslRequired"));
        for (com.fasterxml.jackson.databind.JsonNode user : realm.path("users")) {
            assertTrue(user.path("username").asText().startsWith("service-account-"), "a person in the prod realm: " + user.path("username"));
            assertTrue(user.path("credentials").isMissingNode(), "credentials in the prod realm: " + user.path("username"));
        }
        Set<String> clients = new TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode client : realm.path("clients")) {
            clients.add(client.path("clientId").asText());
            assertTrue(client.path("secret").isMissingNode(), "a secret in the prod realm: " + client.path("clientId"));
            assertFalse(client.path("directAccessGrantsEnabled").asBoolean(), "password grant: " + client.path("clientId"));
        }
        assertEquals(Set.of("vigil-tenants", "vigil-detection", "vigil-ingest", "vigil-portal"), clients);
        for (com.fasterxml.jackson.databind.JsonNode r : List.of(realm, dev)) {
            Set<String> management = new TreeSet<>();
            for (com.fasterxml.jackson.databind.JsonNode user : r.path("users")) {
                if (user.path("username").asText().equals("service-account-vigil-tenants")) {
                    user.path("clientRoles").path("realm-management").forEach(role -> management.add(role.asText()));
                }
            }
            assertEquals(Set.of("manage-clients", "view-clients", "query-clients"), management,
                    "vigil-tenants' realm-management roles in the " + (r == dev ? "dev" : "prod") + " realm");
        }
        assertEquals(dev.path("roles"), realm.path("roles"), "the same roles as the dev realm");
        assertEquals(dev.path("clientScopes"), realm.path("clientScopes"), "the same client scopes as the dev realm");
        Pod keycloak = prod.workloads().get("keycloak");
        assertTrue(containers(keycloak).get(0).getArgs().contains("--import-realm"), "prod imports the realm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void onlyIngestIsPublishedForGrpcEveryHostHasTlsAndNothingInternalIsRouted(String dir) {
        Manifests manifests = render(dir);
        Set<String> grpcBackends = new TreeSet<>();
        Set<String> restBackends = new TreeSet<>();
        for (Ingress ingress : manifests.all(Ingress.class)) {
            String what = dir + ": Ingress " + ingress.getMetadata().getName();
            boolean grpc = "GRPC".equals(annotations(ingress).get("nginx.ingress.kubernetes.io/backend-protocol"));
            Set<String> tlsHosts = ingress.getSpec().getTls().stream().flatMap(t -> t.getHosts().stream()).collect(Collectors.toSet());
            assertTrue(ingress.getSpec().getTls().stream().map(IngressTLS::getSecretName).allMatch(Objects::nonNull), what);
            for (IngressRule rule : ingress.getSpec().getRules()) {
                assertTrue(tlsHosts.contains(rule.getHost()), what + ": host " + rule.getHost() + " without TLS");
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    assertFalse(path.getPath().startsWith("/q") || path.getPath().startsWith("/api/v1/internal")
                            || path.getPath().startsWith("/admin"), what + " publishes " + path.getPath());
                    IngressBackend backend = path.getBackend();
                    Service svc = manifests.find(Service.class, backend.getService().getName())
                            .orElseThrow(() -> new AssertionError(what + ": no Service " + backend.getService().getName()));
                    assertTrue(svc.getSpec().getPorts().stream().anyMatch(p -> Objects.equals(p.getName(), backend.getService().getPort().getName())
                            || Objects.equals(p.getPort(), backend.getService().getPort().getNumber())), what + ": no such port");
                    (grpc ? grpcBackends : restBackends).add(svc.getMetadata().getName());
                }
            }
        }
        assertEquals(Set.of("ingest"), grpcBackends, dir + ": gRPC published for");
        assertEquals(Set.of("tenants", "detection", "keycloak", "portal"), restBackends, dir + ": REST published for");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void noContainerRunsAsRootOrCanGainPrivileges(String dir) {
        for (Pod pod : allPods(render(dir))) {
            PodSecurityContext podContext = Optional.ofNullable(pod.spec().getSecurityContext()).orElse(new PodSecurityContext());
            // The namespaces enforce Pod Security "restricted", which also wants the runtime's seccomp profile.
            assertTrue(podContext.getSeccompProfile() != null && "RuntimeDefault".equals(podContext.getSeccompProfile().getType()),
                    dir + ": " + pod.name() + ": seccompProfile RuntimeDefault");
            for (Container c : containers(pod)) {
                String what = dir + ": " + pod.name() + "/" + c.getName();
                SecurityContext context = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
                Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : podContext.getRunAsNonRoot();
                Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
                assertEquals(Boolean.TRUE, nonRoot, what + ": runAsNonRoot");
                assertNotNull(user, what + ": runAsUser (numeric, so runAsNonRoot can be verified)");
                assertTrue(user > 0, what + ": runs as root");
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), what + ": allowPrivilegeEscalation");
                assertTrue(context.getCapabilities() != null && context.getCapabilities().getDrop().contains("ALL"), what + ": capabilities");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyContainerHasCpuAndMemoryRequestsAndAMemoryLimit(String dir) {
        for (Pod pod : allPods(render(dir))) {
            for (Container c : containers(pod)) {
                String what = dir + ": " + pod.name() + "/" + c.getName();
                ResourceRequirements r = c.getResources();
                assertNotNull(r, what + ": resources");
                Map<String, Quantity> requests = Optional.ofNullable(r.getRequests()).orElse(Map.of());
                Map<String, Quantity> limits = Optional.ofNullable(r.getLimits()).orElse(Map.of());
                assertNotNull(requests.get("cpu"), what + ": cpu request");
                assertNotNull(requests.get("memory"), what + ": memory request");
                assertNotNull(limits.get("memory"), what + ": memory limit");
                assertTrue(limits.get("memory").getNumericalAmount().compareTo(requests.get("memory").getNumericalAmount()) >= 0,
                        what + ": memory limit below the request");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void detectionShardCountEqualsItsReplicasAndTheOrdinalComesFromThePodName(String dir) {
        Manifests manifests = render(dir);
        StatefulSet detection = manifests.find(StatefulSet.class, "detection").orElseThrow();
        Map<String, String> env = environment(manifests, container(manifests, "detection"));
        assertEquals(String.valueOf(detection.getSpec().getReplicas()), env.get("vigil.detection.shard.count"),
                dir + ": vigil.detection.shard.count against the StatefulSet's replicas");
        assertFalse(env.containsKey("vigil.detection.shard.ordinal"),
                dir + ": a fixed ordinal would give every replica the same slot; TenantShard reads it from the pod name");
        assertTrue(ServiceConfig.load(REPO, "detection").knows("vigil.detection.shard.count"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void ingestScalesOnCpuAndOnItsOwnOpenStreamsGauge(String dir) throws IOException {
        Manifests manifests = render(dir);
        HorizontalPodAutoscaler hpa = manifests.find(HorizontalPodAutoscaler.class, "ingest").orElseThrow();
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("ingest", hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertTrue(metrics.stream().anyMatch(m -> m.getResource() != null && m.getResource().getName().equals("cpu")), dir + ": CPU metric");
        String streams = metrics.stream().filter(m -> m.getPods() != null).map(m -> m.getPods().getMetric().getName())
                .findFirst().orElseThrow(() -> new AssertionError(dir + ": no per-pod metric"));
        Set<String> gauges = new TreeSet<>();
        Pattern gauge = Pattern.compile("registry\\.gauge\\(\"([^\"]+)\"");
        try (Stream<Path> files = Files.walk(REPO.resolve("services/ingest/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = gauge.matcher(Files.readString(f));
                while (m.find()) {
                    gauges.add(m.group(1).replace('.', '_'));
                }
            }
        }
        assertTrue(gauges.contains(streams), dir + ": HPA metric " + streams + " is not a gauge ingest exports: " + gauges);
        assertTrue(streams.contains("streams"), "scales on open streams, not " + streams);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyServiceIsScrapedOnceByAServiceMonitorOnItsMetricsPath(String dir) {
        Manifests manifests = render(dir);
        Set<String> scraped = new TreeSet<>();
        for (GenericKubernetesResource monitor : manifests.monitors) {
            com.fasterxml.jackson.databind.JsonNode spec = Manifests.tree(monitor).path("spec");
            String what = dir + ": ServiceMonitor " + monitor.getMetadata().getName();
            Map<String, String> selector = new TreeMap<>();
            spec.path("selector").path("matchLabels").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
            assertFalse(selector.isEmpty(), what + " selects by matchLabels");
            assertTrue(spec.path("selector").path("matchExpressions").isMissingNode(), what + ": matchLabels only");
            List<Service> selected = manifests.all(Service.class).stream().filter(svc -> Optional.ofNullable(svc.getMetadata()
                    .getLabels()).orElse(Map.of()).entrySet().containsAll(selector.entrySet())).toList();
            assertEquals(1, selected.size(), what + " selects exactly one Service (each pod scraped once): "
                    + selected.stream().map(svc -> svc.getMetadata().getName()).toList());
            Service service = selected.get(0);
            String name = service.getMetadata().getName();
            assertTrue(services().contains(name), what + " scrapes " + name + ", which is no service of the repository");
            ServiceConfig config = ServiceConfig.load(REPO, name);
            String path = config.prod.getOrDefault("quarkus.micrometer.export.prometheus.path", "/q/metrics");
            assertFalse(spec.path("endpoints").isEmpty(), what + " has no endpoints");
            for (com.fasterxml.jackson.databind.JsonNode endpoint : spec.path("endpoints")) {
                String port = endpoint.path("port").asText();
                assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> port.equals(p.getName())),
                        what + ": Service " + name + " has no port named " + port);
                assertEquals(path, endpoint.path("path").asText(), what + ": the service's Prometheus path");
            }
            assertTrue(scraped.add(name), dir + ": " + name + " is scraped by two ServiceMonitors");
        }
        assertEquals(services(), scraped, dir + ": services with a ServiceMonitor");
        for (String service : services()) {
            try {
                assertTrue(Files.readString(REPO.resolve("services").resolve(service).resolve("pom.xml"))
                        .contains("<artifactId>quarkus-micrometer-registry-prometheus</artifactId>"), service + " exports no Prometheus metrics");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyDashboardQueryNamesMetersTheServicesRegister(String dir) throws IOException {
        Set<String> exported = MeterNames.exported(REPO);
        Set<String> literals = MeterNames.literals(REPO);
        List<ConfigMap> dashboards = render(dir).all(ConfigMap.class).stream()
                .filter(c -> "1".equals(Optional.ofNullable(c.getMetadata().getLabels()).orElse(Map.of()).get("grafana_dashboard"))).toList();
        assertFalse(dashboards.isEmpty(), dir + ": no Grafana dashboard ConfigMap");
        int queries = 0;
        for (ConfigMap dashboard : dashboards) {
            for (Map.Entry<String, String> json : dashboard.getData().entrySet()) {
                String what = dir + ": dashboard " + dashboard.getMetadata().getName() + "/" + json.getKey();
                for (String expr : MeterNames.queries(Manifests.JSON.readTree(json.getValue()))) {
                    Set<String> named = MeterNames.metricsIn(expr);
                    assertFalse(named.isEmpty(), what + ": a query names no metric: " + expr);
                    for (String metric : named) {
                        assertTrue(exported.contains(metric), what + ": " + metric + " is no meter the services register (" + expr + ")");
                    }
                    for (String label : MeterNames.exactLabels(expr)) {
                        String value = label.substring(label.indexOf('=') + 1);
                        assertTrue(literals.contains(value), what + ": no meter's tag is ever \"" + value + "\" (" + label + " in " + expr + ")");
                    }
                    queries++;
                }
            }
        }
        assertTrue(queries >= 10, dir + ": only " + queries + " dashboard queries");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", DEV, PROD})
    void everyWorkloadThatCanHaveTwoPodsHasADisruptionBudget(String dir) {
        Manifests manifests = render(dir);
        Set<String> scaled = manifests.all(HorizontalPodAutoscaler.class).stream()
                .map(h -> h.getSpec().getScaleTargetRef().getName()).collect(Collectors.toSet());
        for (Pod pod : manifests.workloads().values()) {
            if (pod.replicas() > 1 || scaled.contains(pod.name())) {
                Optional<PodDisruptionBudget> budget = manifests.all(PodDisruptionBudget.class).stream()
                        .filter(b -> NetworkReach.matches(b.getSpec().getSelector(), pod.labels())).findFirst();
                assertTrue(budget.isPresent(), dir + ": no PodDisruptionBudget for " + pod.name());
                IntOrString max = budget.get().getSpec().getMaxUnavailable();
                assertTrue(max != null && max.getIntVal() != null && max.getIntVal() >= 1,
                        dir + ": " + pod.name() + "'s budget must let nodes drain (maxUnavailable >= 1)");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {DEV, PROD})
    void tokenIssuerAndKeycloakHostAreThePublishedAuthHost(String dir) {
        Manifests manifests = render(dir);
        String host = manifests.find(Ingress.class, "auth").orElseThrow().getSpec().getRules().get(0).getHost();
        for (String service : services()) {
            Map<String, String> env = environment(manifests, container(manifests, service));
            assertEquals("https://" + host + "/realms/vigil", env.get("vigil.oidc.issuer"), dir + ": " + service);
            assertEquals("https://" + host + "/realms/vigil", env.get("quarkus.oidc.token.issuer"), dir + ": " + service);
        }
        assertEquals("https://" + host, environment(manifests, container(manifests, "keycloak")).get("KC_HOSTNAME"), dir);
    }

    @Test
    void devRunsOneOfEachAndProdIsReplicatedAndSharded() {
        assertEquals(List.of(1, 1, 1), clickHouseLayout(render(DEV)), "dev: shards, replicas, keeper nodes");
        assertEquals(List.of(2, 2, 3), clickHouseLayout(render(PROD)), "prod: shards, replicas, keeper nodes");
        assertEquals(1, render(DEV).find(HorizontalPodAutoscaler.class, "ingest").orElseThrow().getSpec().getMinReplicas());
        assertTrue(render(PROD).find(HorizontalPodAutoscaler.class, "ingest").orElseThrow().getSpec().getMinReplicas() >= 3);
        assertTrue(render(PROD).workloads().get("detection").replicas() > 1);
    }

    @Test
    void prodPinsItsImagesAndCommitsNoSecrets() {
        Manifests prod = render(PROD);
        assertEquals(List.of(), prod.all(Secret.class), "prod Secrets are created outside the repository");
        for (Pod pod : allPods(prod)) {
            for (Container c : containers(pod)) {
                String image = c.getImage();
                String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
                assertFalse(tag.isEmpty() || tag.equals("latest") || tag.endsWith("SNAPSHOT"), pod.name() + " image " + image);
            }
        }
    }

    @Test
    void theServiceImageRunsAsTheUserThePodsDeclare() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+)$").matcher(Files.readString(K8S.resolve("Dockerfile")));
        assertTrue(user.find(), "k8s/Dockerfile sets no numeric USER");
        for (String service : services()) {
            Pod pod = render(PROD).workloads().get(service);
            assertEquals(Long.valueOf(user.group(1)), pod.spec().getSecurityContext().getRunAsUser(), service);
            assertTrue(Files.readString(K8S.resolve("Dockerfile")).contains("services/${SERVICE}/target/quarkus-app/"));
        }
    }

    private static List<Integer> clickHouseLayout(Manifests manifests) {
        var chi = Manifests.tree(manifests.custom("ClickHouseInstallation", "vigil")).path("spec").path("configuration").path("clusters").get(0).path("layout");
        var chk = Manifests.tree(manifests.custom("ClickHouseKeeperInstallation", "vigil-keeper")).path("spec").path("configuration").path("clusters").get(0).path("layout");
        return List.of(chi.path("shardsCount").asInt(), chi.path("replicasCount").asInt(), chk.path("replicasCount").asInt());
    }

    /** The dev overlay's Secrets, by name and keys: the contract prod's out-of-band Secrets must meet. */
    private static Map<String, Set<String>> secretContract() {
        Map<String, Set<String>> keys = new HashMap<>();
        for (Secret s : render(DEV).all(Secret.class)) {
            Set<String> k = new TreeSet<>();
            Optional.ofNullable(s.getData()).ifPresent(d -> k.addAll(d.keySet()));
            Optional.ofNullable(s.getStringData()).ifPresent(d -> k.addAll(d.keySet()));
            keys.put(s.getMetadata().getName(), k);
        }
        return keys;
    }

    private static void secret(Manifests manifests, String dir, Map<String, Set<String>> contract, String name, String key) {
        Optional<Secret> present = manifests.find(Secret.class, name);
        if (dir.equals(DEV)) {
            assertTrue(present.isPresent(), dir + ": no Secret " + name);
        }
        Set<String> keys = contract.get(name);
        assertNotNull(keys, dir + ": Secret " + name + " is referenced but dev defines no such Secret (and k8s/README.md lists none)");
        if (key != null) {
            assertTrue(keys.contains(key), dir + ": Secret " + name + " has no key " + key);
        }
    }

    private static ConfigMap configMap(Manifests manifests, String name) {
        return manifests.find(ConfigMap.class, name).orElseThrow(() -> new AssertionError(manifests.name + ": no ConfigMap " + name));
    }

    private static List<Pod> allPods(Manifests manifests) {
        List<Pod> pods = new ArrayList<>(manifests.workloads().values());
        pods.addAll(manifests.operatorPods());
        return pods;
    }

    private static List<Container> containers(Pod pod) {
        List<Container> all = new ArrayList<>(pod.spec().getContainers());
        all.addAll(pod.spec().getInitContainers());
        return all;
    }

    private static Container container(Manifests manifests, String workload) {
        Pod pod = manifests.workloads().get(workload);
        assertNotNull(pod, manifests.name + ": no Deployment or StatefulSet " + workload);
        return pod.spec().getContainers().stream().filter(c -> c.getName().equals(workload)).findFirst()
                .orElseThrow(() -> new AssertionError(manifests.name + ": " + workload + " has no container named " + workload));
    }

    /** The variables a container sees from its ConfigMaps and literal env (Secret values are not needed here). */
    private static Map<String, String> environment(Manifests manifests, Container container) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                env.putAll(configMap(manifests, from.getConfigMapRef().getName()).getData());
            }
        }
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    private static int containerPort(Container container, IntOrString port) {
        assertNotNull(port, container.getName() + ": no port");
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + port.getStrVal()))
                .getContainerPort();
    }

    private static Map<String, String> annotations(HasMetadata object) {
        return Optional.ofNullable(object.getMetadata().getAnnotations()).orElse(Map.of());
    }

    static {
        if (!Files.isDirectory(K8S.resolve("base"))) {
            fail("k8s/base not found from " + K8S + " (the surefire property vigil.k8s.dir)");
        }
    }
}
