package io.vigil.sensor.export;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The sensor's identity, as {@code enroll} stores it: its Keycloak client and where to get tokens. Kept in
 * {@code <config-dir>/credentials.properties}, mode 0600, because the secret is the sensor's password.
 */
public record Credentials(String clientId, String clientSecret, String issuer, String tokenEndpoint, String tenant,
                          String sensorId, String ingest) {

    public static final String FILE_NAME = "credentials.properties";

    public static Path file(Path configDir) {
        return configDir.resolve(FILE_NAME);
    }

    /** Reads the enrolled credentials; an operator-facing message if there are none. */
    public static Credentials load(Path configDir) throws IOException {
        Path f = file(configDir);
        if (!Files.isRegularFile(f)) {
            throw new IOException("not enrolled: " + f + " is missing (run 'vigil-sensor enroll --config-dir "
                    + configDir + " ...' first)");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        String id = p.getProperty("client-id");
        String secret = p.getProperty("client-secret");
        String issuer = p.getProperty("issuer", "");
        String endpoint = p.getProperty("token-endpoint", "");
        if (id == null || secret == null || (issuer.isEmpty() && endpoint.isEmpty())) {
            throw new IOException(f + " lacks client-id, client-secret, or both issuer and token-endpoint: enroll again");
        }
        return new Credentials(id, secret, issuer, endpoint, p.getProperty("tenant", ""),
                p.getProperty("sensor-id", ""), p.getProperty("ingest", ""));
    }

    /** Writes the credentials with owner-only permissions from the start (never briefly world-readable). */
    public void store(Path configDir) throws IOException {
        Files.createDirectories(configDir);
        Properties p = new Properties();
        p.setProperty("client-id", clientId);
        p.setProperty("client-secret", clientSecret);
        if (issuer != null && !issuer.isEmpty()) {
            p.setProperty("issuer", issuer);
        }
        if (tokenEndpoint != null && !tokenEndpoint.isEmpty()) {
            p.setProperty("token-endpoint", tokenEndpoint);
        }
        if (tenant != null && !tenant.isEmpty()) {
            p.setProperty("tenant", tenant);
        }
        if (sensorId != null && !sensorId.isEmpty()) {
            p.setProperty("sensor-id", sensorId);
        }
        if (ingest != null && !ingest.isEmpty()) {
            p.setProperty("ingest", ingest);
        }
        Path tmp = configDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(tmp + " appeared while enrolling: another enroll running?", e);
        }
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "vigil-sensor credentials (written by 'vigil-sensor enroll'; keep secret)");
        }
        Files.move(tmp, file(configDir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
