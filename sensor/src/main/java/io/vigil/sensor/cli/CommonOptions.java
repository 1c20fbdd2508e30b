package io.vigil.sensor.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every subcommand takes, so several sensors (each with its own config dir) can share one box. */
public final class CommonOptions {

    static final String DEFAULT_CONFIG_DIR = "/etc/vigil-sensor";

    @Option(names = "--config-dir", paramLabel = "DIR",
            description = "Directory with sensor.properties (and, once enrolled, the credentials). "
                    + "Default: $VIGIL_SENSOR_CONFIG_DIR, else " + DEFAULT_CONFIG_DIR + ". A missing directory "
                    + "means built-in defaults.")
    Path configDir;

    Path configDir() {
        if (configDir != null) {
            return configDir;
        }
        String env = System.getenv("VIGIL_SENSOR_CONFIG_DIR");
        return Path.of(env == null || env.isBlank() ? DEFAULT_CONFIG_DIR : env);
    }
}
