package io.vigil.tenants.sensor;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sensor package and its one-line installer are handed only to the holder of an enrollment token that could still
 * enroll, without using it up; every refusal is problem+json with the precise reason.
 */
@QuarkusTest
class SensorPackageIT {

    @Inject
    AgroalDataSource jdbc;

    String customer;

    @BeforeEach
    void newCustomerAndPackage() {
        TestSensorPackage.ensure();
        customer = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Package"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void aValidTokenGetsThePackageAndTheInstallerAndCanStillEnroll() throws Exception {
        String token = newToken();
        Response deb = RestAssured.given().queryParam("token", token).get("/api/v1/sensor-package");
        deb.then().statusCode(200).contentType("application/vnd.debian.binary-package")
                .header("Content-Disposition", "attachment; filename=\"vigil-sensor_0.0.0~test_amd64.deb\"");
        assertArrayEquals(TestSensorPackage.CONTENT, deb.asByteArray());

        String script = RestAssured.given().queryParam("token", token).get("/install").then().statusCode(200)
                .contentType(containsString("text/x-shellscript")).extract().asString();
        assertTrue(script.startsWith("#!/bin/sh\n"), script);
        assertTrue(script.contains("\nurl='http://127.0.0.1:18191'\n"), script);
        assertTrue(script.contains("\ntoken='" + token + "'\n"), script);
        assertTrue(script.contains("\ningest='127.0.0.1:18090'\n") && script.contains("\ningest_tls='false'\n"), script);
        assertTrue(script.contains("/api/v1/sensor-package?token=$token") && script.contains("enroll --config-dir"), script);
        shellcheck(script);

        // Neither used the token up.
        RestAssured.given().contentType("application/json").body(Map.of("token", token)).post("/api/v1/sensors/enroll")
                .then().statusCode(200);
    }

    @Test
    void aUsedUnknownExpiredOrRevokedTokenIsRefusedWithItsReason() throws Exception {
        String used = newToken();
        RestAssured.given().contentType("application/json").body(Map.of("token", used)).post("/api/v1/sensors/enroll")
                .then().statusCode(200);
        for (String path : new String[]{"/api/v1/sensor-package", "/install"}) {
            refused(path, used, "enrollment token was already used");
            refused(path, "vet_not-a-real-token", "enrollment token is not valid");
            refused(path, "vet_'; rm -rf / #", "enrollment token is not valid");
        }

        Response issued = Api.as("msp-a-admin").body(Map.of("name", "late")).post("/api/v1/customers/" + customer + "/sensors");
        try (Connection c = jdbc.getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE tenants.enrollment_tokens SET expires_at = now() - interval '1 second' WHERE sensor_id = ?")) {
            st.setString(1, issued.path("sensor.id"));
            assertEquals(1, st.executeUpdate());
        }
        refused("/api/v1/sensor-package", issued.path("enrollmentToken"), "enrollment token expired at ");
        refused("/install", issued.path("enrollmentToken"), "enrollment token expired at ");

        Api.as("msp-a-admin").post("/api/v1/customers/" + customer + "/sensors/" + issued.path("sensor.id") + "/revoke")
                .then().statusCode(200);
        refused("/install", issued.path("enrollmentToken"), "enrollment token is not valid");
    }

    @Test
    void noTokenIsABadRequestNamingIt() {
        for (String path : new String[]{"/api/v1/sensor-package", "/install"}) {
            RestAssured.get(path).then().statusCode(400).contentType("application/problem+json")
                    .body("type", endsWith("/validation")).body("errors[0].field", containsString("token"));
            RestAssured.given().queryParam("token", "").get(path).then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void withoutAPackageOnTheServerTheAnswerIs503SayingWhereItWasLookedFor() throws Exception {
        String token = newToken();
        Path aside = TestSensorPackage.DIR.resolveSibling("sensor-package-aside.deb");
        Files.move(TestSensorPackage.FILE, aside);
        try {
            for (String path : new String[]{"/api/v1/sensor-package", "/install"}) {
                RestAssured.given().queryParam("token", token).get(path).then().statusCode(503)
                        .contentType("application/problem+json").body("type", endsWith("/sensor-package-unavailable"))
                        .body("detail", containsString(TestSensorPackage.DIR.toAbsolutePath().toString()))
                        .body("detail", containsString("vigil.sensor-package.dir"));
            }
        } finally {
            Files.move(aside, TestSensorPackage.FILE);
        }
    }

    /** The served script, values filled in, passes shellcheck as POSIX sh (where Debian's shellcheck is installed). */
    private static void shellcheck(String script) throws Exception {
        if (new ProcessBuilder("sh", "-c", "command -v shellcheck").start().waitFor() != 0) {
            return;
        }
        Path file = Files.createTempFile("vigil-install", ".sh");
        try {
            Files.writeString(file, script);
            Process p = new ProcessBuilder("shellcheck", "-s", "sh", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        } finally {
            Files.delete(file);
        }
    }

    private static void refused(String path, String token, String reason) {
        RestAssured.given().queryParam("token", token).get(path).then().statusCode(401)
                .contentType("application/problem+json").body("type", endsWith("/enrollment-token-refused"))
                .body("detail", containsString(reason)).body("status", equalTo(401));
    }

    private String newToken() {
        return Api.as("msp-a-admin").body(Map.of("name", "s")).post("/api/v1/customers/" + customer + "/sensors")
                .then().statusCode(201).extract().path("enrollmentToken");
    }
}
