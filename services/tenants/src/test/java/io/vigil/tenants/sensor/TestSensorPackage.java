package io.vigil.tenants.sensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The package the tests' tenants serves (%test.vigil.sensor-package.dir): a stand-in file with the package's name, since
 * tenants only hands the bytes over. The real package is installed by the sensor's DebPackageIT.
 */
public final class TestSensorPackage {

    public static final Path DIR = Path.of("target/sensor-packages");
    public static final Path FILE = DIR.resolve("vigil-sensor_0.0.0~test_amd64.deb");
    public static final byte[] CONTENT = "!<arch>\nstand-in for the vigil-sensor package\n".getBytes(StandardCharsets.US_ASCII);

    private TestSensorPackage() {
    }

    /** Puts the stand-in package in place (idempotent). */
    public static Path ensure() {
        try {
            Files.createDirectories(DIR);
            if (!Files.exists(FILE)) {
                Files.write(FILE, CONTENT);
            }
            return FILE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
