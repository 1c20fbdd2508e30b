package io.vigil.tenants.customer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vigil.lib.testing.Api;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.UUID;

import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A POST retried with its Idempotency-Key changes nothing twice and answers as the first time. */
@QuarkusTest
class IdempotencyIT {

    @Test
    void retriedCreateReturnsTheFirstResponseAndCreatesNoDuplicate() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", Api.unique("Retry"));
        Response first = Api.as("msp-b-admin").header("Idempotency-Key", key).body(body).post("/api/v1/customers");
        Response second = Api.as("msp-b-admin").header("Idempotency-Key", key).body(body).post("/api/v1/customers");
        first.then().statusCode(201);
        second.then().statusCode(201);
        assertEquals(first.path("id").toString(), second.path("id").toString());
        assertEquals(first.header("Location"), second.header("Location"));
        assertEquals(first.asString(), second.asString());
        Api.as("msp-b-admin").queryParam("q", body.get("name")).get("/api/v1/customers").then().body("items", hasSize(1));
    }

    @Test
    void concurrentRetriesWithOneKeyCreateOneCustomer() throws Exception {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("name", Api.unique("Concurrent"));
        String token = io.vigil.lib.testing.Tokens.user("msp-b-admin");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> io.restassured.RestAssured.given().contentType("application/json").auth().oauth2(token)
                        .header("Idempotency-Key", key).body(body).post("/api/v1/customers")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Response> call : calls) {
                Response r = call.get();
                assertTrue(r.statusCode() == 201 || r.statusCode() == 409, "201 or 409 (in progress), got " + r.statusCode() + " " + r.asString());
                if (r.statusCode() == 201) {
                    ids.add(r.path("id"));
                }
            }
            assertEquals(1, ids.size(), "every success names the one customer: " + ids);
        } finally {
            pool.shutdown();
        }
        Api.as("msp-b-admin").queryParam("q", body.get("name")).get("/api/v1/customers").then().body("items", hasSize(1));
    }

    @Test
    void sameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        Api.as("msp-b-admin").header("Idempotency-Key", key).body(Map.of("name", Api.unique("One"))).post("/api/v1/customers")
                .then().statusCode(201);
        String other = Api.unique("Two");
        Api.as("msp-b-admin").header("Idempotency-Key", key).body(Map.of("name", other)).post("/api/v1/customers")
                .then().statusCode(422).contentType("application/problem+json").body("type", endsWith("/idempotency-key-reused"));
        Api.as("msp-b-admin").queryParam("q", other).get("/api/v1/customers").then().body("items", hasSize(0));
    }

    @Test
    void keysArePerCaller() {
        String key = UUID.randomUUID().toString();
        Api.as("msp-b-admin").header("Idempotency-Key", key).body(Map.of("name", Api.unique("B"))).post("/api/v1/customers")
                .then().statusCode(201).body("mspId", equalTo("msp-b"));
        Api.as("msp-a-admin").header("Idempotency-Key", key).body(Map.of("name", Api.unique("A"))).post("/api/v1/customers")
                .then().statusCode(201).body("mspId", equalTo("msp-a"));
    }

    @Test
    void retriedSensorCreateKeepsOneSensorAndVoidsTheFirstToken() {
        String customer = Api.as("msp-b-admin").body(Map.of("name", Api.unique("Sensors"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
        String key = UUID.randomUUID().toString();
        Response first = Api.as("msp-b-admin").header("Idempotency-Key", key).body(Map.of("name", "s1"))
                .post("/api/v1/customers/" + customer + "/sensors");
        Response second = Api.as("msp-b-admin").header("Idempotency-Key", key).body(Map.of("name", "s1"))
                .post("/api/v1/customers/" + customer + "/sensors");
        first.then().statusCode(201);
        second.then().statusCode(201);
        assertEquals(first.path("sensor.id").toString(), second.path("sensor.id").toString());
        assertNotEquals(first.path("enrollmentToken").toString(), second.path("enrollmentToken").toString());
        Api.as("msp-b-admin").get("/api/v1/customers/" + customer + "/sensors").then().body("$", hasSize(1));
        io.restassured.RestAssured.given().contentType("application/json").body(Map.of("token", first.path("enrollmentToken")))
                .post("/api/v1/sensors/enroll").then().statusCode(401);
    }
}
