package io.vigil.sensor.cli;

import com.sun.net.httpserver.HttpServer;
import io.vigil.sensor.export.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnrollCommandTest {

    @TempDir
    Path dir;

    @Test
    void storesClientCredentialsGivenDirectlyOwnerOnly() throws Exception {
        int status = new CommandLine(new EnrollCommand()).execute("--config-dir", dir.toString(),
                "--client-id", "sensor-a1", "--client-secret", "s3cret", "--issuer", "http://kc/realms/vigil/",
                "--ingest", "ingest.example:443");
        assertEquals(0, status);
        Path f = dir.resolve(Credentials.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Credentials c = Credentials.load(dir);
        assertEquals("sensor-a1", c.clientId());
        assertEquals("s3cret", c.clientSecret());
        assertEquals("http://kc/realms/vigil", c.issuer());
        assertEquals("ingest.example:443", c.ingest());
        assertFalse(Files.exists(dir.resolve(Credentials.FILE_NAME + ".tmp")));
    }

    @Test
    void redeemsAOneTimeTokenAtTheTenantsService() throws Exception {
        AtomicReference<String> body = new AtomicReference<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/sensors/enroll", ex -> {
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = ("{\"sensorId\":\"s-42\",\"mspId\":\"msp-a\",\"tenantId\":\"a1\",\"clientId\":\"s-42\","
                    + "\"clientSecret\":\"xyz\",\"tokenEndpoint\":\"http://kc/realms/vigil/protocol/openid-connect/token\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        http.start();
        try {
            int status = new CommandLine(new EnrollCommand()).execute("--config-dir", dir.toString(),
                    "--url", "http://127.0.0.1:" + http.getAddress().getPort() + "/", "--token", "vet_abc");
            assertEquals(0, status);
        } finally {
            http.stop(0);
        }
        assertEquals("{\"token\":\"vet_abc\"}", body.get());
        Credentials c = Credentials.load(dir);
        assertEquals("s-42", c.clientId());
        assertEquals("xyz", c.clientSecret());
        assertEquals("a1", c.tenant());
        assertEquals("s-42", c.sensorId());
        assertTrue(c.tokenEndpoint().endsWith("/protocol/openid-connect/token"));
    }

    @Test
    void refusesHalfAnEnrollment() {
        assertEquals(2, new CommandLine(new EnrollCommand()).execute("--config-dir", dir.toString(), "--token", "x"));
        assertEquals(2, new CommandLine(new EnrollCommand()).execute("--config-dir", dir.toString(),
                "--client-id", "a"));
        assertFalse(Files.exists(dir.resolve(Credentials.FILE_NAME)));
    }
}
