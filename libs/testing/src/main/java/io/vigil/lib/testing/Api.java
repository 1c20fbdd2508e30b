package io.vigil.lib.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.UUID;

/** REST Assured requests as a given caller, and unique names so tests can run again on a database holding earlier runs. */
public final class Api {

    private Api() {
    }

    /** A request as a dev user or client ("anonymous" sends no token; "client:<id>" uses a dev client's credentials). */
    public static RequestSpecification as(String caller) {
        RequestSpecification spec = RestAssured.given().contentType(ContentType.JSON);
        if (caller.equals("anonymous")) {
            return spec;
        }
        String token = caller.startsWith("client:") ? Tokens.devClient(caller.substring(7)) : Tokens.user(caller);
        return spec.auth().oauth2(token);
    }

    public static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }
}
