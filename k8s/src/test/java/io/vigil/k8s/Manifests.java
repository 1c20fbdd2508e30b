package io.vigil.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rendered kustomization as typed Kubernetes objects. A document of a kind not listed here, or with a field
 * the typed model does not know (a typo the API server would reject), fails the parse.
 */
final class Manifests {

    /** apiVersion/kind → the fabric8 model class; every kind the manifests may use. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    /**
     * The Altinity clickhouse-operator's resources: no typed model exists, so they stay generic, but their pod
     * templates are parsed as typed PodSpecs (see {@link #operatorPods()}).
     */
    static final String CHI = "clickhouse.altinity.com/v1/ClickHouseInstallation";
    static final String CHK = "clickhouse-keeper.altinity.com/v1/ClickHouseKeeperInstallation";
    /** The Prometheus Operator's ServiceMonitor: no typed model in the BOM either, so generic as well. */
    static final String SERVICE_MONITOR = "monitoring.coreos.com/v1/ServiceMonitor";

    /** The fabric8 models keep unknown fields in additionalProperties instead of failing: see {@link #unknownFields}. */
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    final List<HasMetadata> objects = new ArrayList<>();
    final List<GenericKubernetesResource> custom = new ArrayList<>();
    /** The ServiceMonitors, kept apart from the operator's installations (which {@link #operatorPods()} reads). */
    final List<GenericKubernetesResource> monitors = new ArrayList<>();

    private Manifests(String name) {
        this.name = name;
    }

    /** Parses a YAML stream; the failure message names the document and the unknown field. */
    static Manifests parse(String name, String yaml) {
        Manifests manifests = new Manifests(name);
        try {
            List<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
            for (JsonNode document : documents) {
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                manifests.add(document);
            }
        } catch (IOException e) {
            throw new AssertionError(name + ": not YAML: " + e.getMessage(), e);
        }
        return manifests;
    }

    private void add(JsonNode document) throws IOException {
        String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        String where = name + ": " + type + " " + document.path("metadata").path("name").asText("<no name>");
        Class<? extends HasMetadata> model = KINDS.get(type);
        if (model != null) {
            HasMetadata object = JSON.treeToValue(document, model);
            List<String> unknown = new ArrayList<>();
            unknownFields(object, type, unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(where + ": fields the Kubernetes model does not know: " + unknown);
            }
            objects.add(object);
        } else if (type.equals(CHI) || type.equals(CHK)) {
            GenericKubernetesResource resource = JSON.treeToValue(document, GenericKubernetesResource.class);
            JSON.treeToValue(document.path("metadata"), ObjectMeta.class);
            custom.add(resource);
        } else if (type.equals(SERVICE_MONITOR)) {
            GenericKubernetesResource resource = JSON.treeToValue(document, GenericKubernetesResource.class);
            JSON.treeToValue(document.path("metadata"), ObjectMeta.class);
            monitors.add(resource);
        } else {
            throw new AssertionError(where + ": a kind the manifest tests do not know; add its model to Manifests.KINDS");
        }
    }

    /** Collects every non-empty additionalProperties in the object graph: the model's bucket for unknown fields. */
    private static void unknownFields(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", found));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        found.add(path + " " + extra.keySet());
                    }
                } else {
                    unknownFields(child, path + "." + getter.getName().substring(3), found);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    /** Deployments and StatefulSets by name, as the pods they make. */
    Map<String, Pod> workloads() {
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (Deployment d : all(Deployment.class)) {
            pods.put(d.getMetadata().getName(), new Pod(d.getMetadata().getName(), d.getSpec().getReplicas(),
                    d.getSpec().getTemplate().getMetadata().getLabels(), d.getSpec().getTemplate().getSpec()));
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            pods.put(s.getMetadata().getName(), new Pod(s.getMetadata().getName(), s.getSpec().getReplicas(),
                    s.getSpec().getTemplate().getMetadata().getLabels(), s.getSpec().getTemplate().getSpec()));
        }
        return pods;
    }

    /**
     * The pods the clickhouse-operator makes from each installation: its pod templates as typed PodSpecs, labelled
     * as the operator labels them (clickhouse.altinity.com/chi or clickhouse-keeper.altinity.com/chk = the name).
     */
    List<Pod> operatorPods() {
        List<Pod> pods = new ArrayList<>();
        for (GenericKubernetesResource resource : custom) {
            JsonNode tree = JSON.valueToTree(resource);
            String name = resource.getMetadata().getName();
            Map<String, String> labels = new HashMap<>();
            labels.put(resource.getKind().equals("ClickHouseInstallation")
                    ? "clickhouse.altinity.com/chi" : "clickhouse-keeper.altinity.com/chk", name);
            for (JsonNode template : tree.path("spec").path("templates").path("podTemplates")) {
                template.path("metadata").path("labels").fields()
                        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                try {
                    PodSpec spec = JSON.treeToValue(template.path("spec"), PodSpec.class);
                    List<String> unknown = new ArrayList<>();
                    unknownFields(spec, name + ".podTemplates." + template.path("name").asText(), unknown);
                    if (!unknown.isEmpty()) {
                        throw new AssertionError(this.name + ": " + name + ": unknown pod template fields " + unknown);
                    }
                    pods.add(new Pod(name, null, labels, spec));
                } catch (IOException e) {
                    throw new AssertionError(this.name + ": " + name + ": pod template is not a PodSpec: " + e.getMessage(), e);
                }
            }
        }
        return pods;
    }

    GenericKubernetesResource custom(String kind, String name) {
        return custom.stream().filter(r -> r.getKind().equals(kind) && r.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(this.name + ": no " + kind + " " + name));
    }

    static ObjectNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /** What a workload runs: its name, replicas (null: the operator decides), pod labels and pod spec. */
    record Pod(String name, Integer replicas, Map<String, String> labels, PodSpec spec) {
    }
}
