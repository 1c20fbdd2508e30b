package io.vigil.tenants.sensor.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/**
 * The few Keycloak admin REST calls enrollment needs, on the realm's admin base URL, authenticated with the
 * tenants service's own client-credentials token (client vigil-tenants, realm-management manage-clients only).
 */
@RegisterRestClient(configKey = "keycloak-admin")
@OidcClientFilter
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface KeycloakAdminApi {

    /** 201 with Location …/clients/{uuid}. */
    @POST
    @Path("/clients")
    Uni<Response> createClient(Map<String, Object> client);

    @GET
    @Path("/clients")
    Uni<List<JsonNode>> findClients(@QueryParam("clientId") String clientId);

    /** Updates the fields present (Keycloak leaves absent ones as they are). */
    @PUT
    @Path("/clients/{uuid}")
    Uni<Response> updateClient(@PathParam("uuid") String uuid, Map<String, Object> client);

    @DELETE
    @Path("/clients/{uuid}")
    Uni<Response> deleteClient(@PathParam("uuid") String uuid);
}
