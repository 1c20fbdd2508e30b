package io.vigil.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names the services export, read from their sources (each meter they register, named as Micrometer's
 * Prometheus registry writes it), and the metric names a dashboard's PromQL queries use.
 */
final class MeterNames {

    /** registry.counter("x"), registry.gauge("x"), registry.timer("x"), registry.summary("x"). */
    private static final Pattern REGISTRY = Pattern.compile("registry\\.(counter|gauge|timer|summary)\\(\\s*\"([^\"]+)\"");
    /** Counter.builder("x"), Gauge.builder("x"), Timer.builder("x"), DistributionSummary.builder("x"). */
    private static final Pattern BUILDER = Pattern.compile("\\b(Counter|Gauge|Timer|DistributionSummary)\\.builder\\(\\s*\"([^\"]+)\"");
    /** Quarkus' own HTTP server meter, on every service (quarkus-micrometer's HTTP binder). */
    private static final List<String> FRAMEWORK_TIMERS = List.of("http.server.requests");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Set<String> PROMQL = Set.of("sum", "min", "max", "avg", "count", "stddev", "topk", "bottomk",
            "rate", "irate", "increase", "delta", "deriv", "time", "histogram_quantile", "clamp_min", "clamp_max", "abs",
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
            "max_over_time", "min_over_time", "avg_over_time", "label_replace", "vector", "scalar", "absent");

    private MeterNames() {
    }

    /** Every series name the services' own meters and Quarkus' HTTP meter appear under in /q/metrics. */
    static Set<String> exported(Path repo) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path root : List.of(repo.resolve("services"), repo.resolve("libs"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/")).toList()) {
                    String text = Files.readString(file);
                    for (Pattern pattern : List.of(REGISTRY, BUILDER)) {
                        Matcher m = pattern.matcher(text);
                        while (m.find()) {
                            names.addAll(series(m.group(1).toLowerCase(), m.group(2)));
                        }
                    }
                }
            }
        }
        FRAMEWORK_TIMERS.forEach(t -> names.addAll(series("timer", t)));
        return names;
    }

    /** How Micrometer's Prometheus registry names a meter's series: dots become underscores, plus the type's suffixes. */
    static List<String> series(String type, String meter) {
        String base = meter.replace('.', '_');
        return switch (type) {
            case "counter" -> List.of(base + "_total");
            case "gauge" -> List.of(base);
            case "timer" -> List.of(base + "_seconds", base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max",
                    base + "_seconds_bucket");
            case "summary", "distributionsummary" -> List.of(base, base + "_count", base + "_sum", base + "_max", base + "_bucket");
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** A string literal in Java source. */
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\n]|\\\\.)*)\"");
    /** An exact label matcher in PromQL: label="value" (not !=, =~ or !~). */
    private static final Pattern EXACT_LABEL = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*\"([^\"]*)\"");

    /**
     * Every string literal in the services' and libraries' main sources: the values a meter's tags can take are among
     * them (a tag value made at run time, such as an enum's name, is not, and a query should not match one exactly).
     */
    static Set<String> literals(Path repo) throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path root : List.of(repo.resolve("services"), repo.resolve("libs"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/")).toList()) {
                    Matcher m = LITERAL.matcher(Files.readString(file));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    /** The values a PromQL expression's exact label matchers ask for, as label=value. */
    static Set<String> exactLabels(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = EXACT_LABEL.matcher(expr);
        while (m.find()) {
            out.add(m.group(1) + "=" + m.group(2));
        }
        return out;
    }

    /** Every "expr" in a Grafana dashboard's JSON, wherever it sits (panels, rows, nested panels). */
    static List<String> queries(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        collect(dashboard, exprs);
        return exprs;
    }

    private static void collect(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    into.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, into));
        }
    }

    /** The metric names a PromQL expression selects: identifiers outside label matchers, ranges and grouping clauses. */
    static Set<String> metricsIn(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            if (!PROMQL.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }
}
