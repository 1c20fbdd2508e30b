package io.vigil.sensor;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The sensor's version: the Maven project version of the build, written into {@code version.properties} by resource
 * filtering. The heartbeat reports it, {@code --version} prints it, and the Debian package is named after it.
 */
public final class SensorVersion implements CommandLine.IVersionProvider {

    private static final String VERSION = load();

    /** The build's version, for example {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[]{"vigil-sensor " + VERSION};
    }

    private static String load() {
        try (InputStream in = SensorVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/vigil/sensor/version.properties is missing from the build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.startsWith("${")) {
                throw new IllegalStateException("io/vigil/sensor/version.properties was not filtered by the build: " + v);
            }
            return v.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
