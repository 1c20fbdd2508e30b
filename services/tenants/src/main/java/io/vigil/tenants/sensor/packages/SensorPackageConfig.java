package io.vigil.tenants.sensor.packages;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** Where the sensor's Debian package lives on this server, and what its one-line installer tells the sensor. */
@ConfigMapping(prefix = "vigil.sensor-package")
public interface SensorPackageConfig {

    /** The directory holding {@code vigil-sensor_<version>_amd64.deb} (scripts/package writes it to sensor/target). */
    @WithDefault("/opt/vigil-tenants/sensor-packages")
    Path dir();

    /**
     * The tenants service's URL as sensors reach it, written into the installer (where it downloads the package and
     * enrolls); absent: the URL the installer itself was requested at.
     */
    Optional<String> publicUrl();

    /** Ingest's gRPC address (host:port) for enrolled sensors; absent: the sensor's default. */
    Optional<String> ingestAddress();

    /** Whether sensors reach ingest over TLS. */
    @WithDefault("true")
    boolean ingestTls();
}
