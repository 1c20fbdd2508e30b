package io.vigil.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a service (services/NAME) declares about itself: its application.properties as the prod profile sees them,
 * the properties it only sets for dev and test (which a deployment must therefore supply), the config names its
 * code reads, and whether it has SmallRye Health.
 */
final class ServiceConfig {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern MAPPED_METHOD = Pattern.compile("(\\w+)\\(\\)\\s*;");
    private static final Pattern PROPERTY = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"");

    final String name;
    /** Properties with their prod-profile values (%prod.x over x). */
    final Map<String, String> prod = new HashMap<>();
    /** Properties the dev profile sets that prod has no value for (secrets, by the style rules): a deployment must give them. */
    final Set<String> notInProd = new HashSet<>();
    /** Every property name in the file, profiles stripped. */
    final Set<String> declared = new HashSet<>();
    /** Property names the code reads: @ConfigProperty names and @ConfigMapping methods, in the service and the shared libs. */
    final Set<String> codeProperties = new HashSet<>();
    final boolean hasHealth;

    private ServiceConfig(String name, boolean hasHealth) {
        this.name = name;
        this.hasHealth = hasHealth;
    }

    static ServiceConfig load(Path repo, String service) {
        Path dir = repo.resolve("services").resolve(service);
        try {
            ServiceConfig config = new ServiceConfig(service,
                    Files.readString(dir.resolve("pom.xml")).contains("<artifactId>quarkus-smallrye-health</artifactId>"));
            Properties raw = new Properties();
            try (Reader reader = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
                raw.load(reader);
            }
            Map<String, String> prodOverrides = new HashMap<>();
            Set<String> profiled = new HashSet<>();
            for (String key : raw.stringPropertyNames()) {
                if (key.startsWith("%")) {
                    int dot = key.indexOf('.');
                    String property = key.substring(dot + 1);
                    config.declared.add(property);
                    List<String> profiles = List.of(key.substring(1, dot).split(","));
                    if (profiles.contains("prod")) {
                        prodOverrides.put(property, raw.getProperty(key));
                    } else if (profiles.contains("dev")) {
                        profiled.add(property);
                    }
                } else {
                    config.declared.add(key);
                    config.prod.put(key, raw.getProperty(key));
                }
            }
            config.prod.putAll(prodOverrides);
            profiled.stream().filter(p -> !config.prod.containsKey(p)).forEach(config.notInProd::add);
            for (Path sources : List.of(dir.resolve("src/main/java"), repo.resolve("libs"))) {
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/src/test/")).toList()) {
                        String text = Files.readString(file);
                        mapped(text, config.codeProperties);
                        Matcher property = PROPERTY.matcher(text);
                        while (property.find()) {
                            config.codeProperties.add(property.group(1));
                        }
                    }
                }
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** prefix.kebab-method for each method of each (flat) @ConfigMapping interface in {@code source}. */
    private static void mapped(String source, Set<String> into) {
        Matcher mapping = MAPPING.matcher(source);
        while (mapping.find()) {
            int open = source.indexOf('{', mapping.end());
            int depth = 0;
            int close = open;
            do {
                char c = source.charAt(close++);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            } while (depth > 0);
            Matcher method = MAPPED_METHOD.matcher(source.substring(open, close));
            while (method.find()) {
                into.add(mapping.group(1) + "." + method.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase());
            }
        }
    }

    /**
     * Whether {@code key} is configuration this service reads: declared in its file, read by its code (@ConfigProperty or
     * a @ConfigMapping method), or a Quarkus property of an extension section the file already configures.
     */
    boolean knows(String key) {
        if (declared.contains(key) || codeProperties.contains(key)) {
            return true;
        }
        if (key.startsWith("quarkus.") && key.lastIndexOf('.') > 0) {
            String section = key.substring(0, key.lastIndexOf('.') + 1);
            return declared.stream().anyMatch(d -> d.startsWith(section));
        }
        return false;
    }

    /** The prod value of a property after the deployment's environment (ConfigMap/Secret keys) overrides it. */
    static String effective(ServiceConfig config, Map<String, String> environment, String key, String fallback) {
        return environment.getOrDefault(key, config.prod.getOrDefault(key, fallback));
    }
}
