package io.vigil.lib.api.auth;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authorization stays in one place: the services' and the portal's sources name no role by its string, compare no
 * role, and switch on no reach; they ask {@link Access} (and Scope), and {@code @RolesAllowed} takes {@link Role.Names}.
 * A new endpoint or service method that decided access by hand fails here.
 */
class OneRoleListTest {

    private static final Path REPO = repo();
    private static final Pattern ROLE_LITERAL = Pattern.compile("\"(platform-admin|msp-admin|msp-analyst|customer-viewer|internal-read)\"");
    private static final Pattern ROLE_COMPARED = Pattern.compile("role\\(\\)\\s*[!=]=|==\\s*Role\\.|!=\\s*Role\\.|\\.reach\\(\\)");
    private static final Pattern ROLES_ALLOWED = Pattern.compile("@RolesAllowed\\(([^)]*)\\)");

    @Test
    void noServiceNamesComparesOrReachesRolesByHand() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> sources = sources();
        assertTrue(sources.size() > 50, "the services' sources were found under " + REPO);
        for (Path file : sources) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.stripLeading().startsWith("*") || line.stripLeading().startsWith("//")) {
                    continue;
                }
                String where = REPO.relativize(file) + ":" + (i + 1) + ": " + line.strip();
                if (ROLE_LITERAL.matcher(line).find()) {
                    found.add("a role by its name: " + where);
                }
                if (ROLE_COMPARED.matcher(line).find()) {
                    found.add("a role compared by hand: " + where);
                }
                Matcher allowed = ROLES_ALLOWED.matcher(line);
                if (allowed.find() && allowed.group(1).contains("\"")) {
                    found.add("@RolesAllowed with strings: " + where);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** Main sources of every service, outside libs/api's auth package (which is where the rules live). */
    private static List<Path> sources() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> services = Files.list(REPO.resolve("services"))) {
            for (Path service : services.toList()) {
                Path main = service.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(all::add);
                    }
                }
            }
        }
        return all;
    }

    private static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("services"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run inside the repository");
        }
        return p;
    }
}
