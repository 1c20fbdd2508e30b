package io.vigil.tenants.sensor.packages;

import io.quarkus.runtime.StartupEvent;
import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sensor package this server hands out: the newest {@code vigil-sensor_<version>_amd64.deb} in
 * {@code vigil.sensor-package.dir}, looked up on every request, so a new build is served without a restart.
 */
@ApplicationScoped
public class SensorPackages {

    private static final Logger LOG = Logger.getLogger(SensorPackages.class);
    /** scripts/package's file name: Debian's name_version_architecture.deb. */
    static final Pattern FILE = Pattern.compile("vigil-sensor_[0-9][A-Za-z0-9.+~-]*_amd64\\.deb");

    private final SensorPackageConfig config;

    public SensorPackages(SensorPackageConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent start) {
        find().ifPresentOrElse(p -> LOG.infof("serving the sensor package %s", p),
                () -> LOG.warnf("%s: sensor installs will answer 503 until it is there", missing()));
    }

    /** The package to serve, or a 503 problem saying where it was looked for. */
    public Path current() {
        return find().orElseThrow(() -> {
            LOG.warn(missing());
            return new ProblemException(503, "sensor-package-unavailable", "Sensor package unavailable", missing());
        });
    }

    private String missing() {
        return "no sensor package (vigil-sensor_<version>_amd64.deb) in " + config.dir().toAbsolutePath()
                + " (vigil.sensor-package.dir); build it with scripts/package and copy it there";
    }

    private Optional<Path> find() {
        Path dir = config.dir();
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> FILE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .max(Comparator.comparing(SensorPackages::modified).thenComparing(Path::toString));
        } catch (IOException e) {
            LOG.warnf(e, "cannot list %s", dir);
            return Optional.empty();
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
