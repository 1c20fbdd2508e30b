package io.vigil.detection.notify.service;

import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One signed webhook POST; a 2xx answer is delivered, anything else (or no answer) is a failed attempt. */
@ApplicationScoped
public class WebhookSender {

    public static final String DELIVERY_HEADER = "Vigil-Delivery";
    public static final String EVENT_HEADER = "Vigil-Event";

    private final NotifyConfig config;
    private final String userAgent;
    // Redirects are not followed: a receiver could otherwise bounce the request into a private network.
    private final HttpClient http;

    public WebhookSender(NotifyConfig config, @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String version) {
        this.config = config;
        this.userAgent = "Vigil-Webhook/" + version;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public SendResult send(String url, String secret, String deliveryId, String eventType, String payload) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return SendResult.failed(null, "bad URL: " + e.getMessage());
        }
        String refusal = AddressGuard.refusal(uri.getHost(), config.allowPrivateAddresses());
        if (refusal != null) {
            return SendResult.failed(null, refusal);
        }
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .header(DELIVERY_HEADER, deliveryId)
                .header(EVENT_HEADER, eventType)
                .header(WebhookSignature.HEADER, WebhookSignature.header(secret, Instant.now().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status / 100 == 2 ? SendResult.delivered(status) : SendResult.failed(status, "HTTP " + status);
        } catch (IOException e) {
            return SendResult.failed(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.failed(null, "interrupted");
        }
    }
}
