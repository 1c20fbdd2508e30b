package io.vigil.detection.notify.service;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.StandardWebhookSignature;
import io.vigil.detection.notify.WebhookSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One signed webhook POST; a 2xx answer is delivered, anything else (or no answer) is a failed attempt. The receiver's
 * host is resolved and checked once ({@link AddressGuard}) and the connection goes to that checked address, while the
 * Host header, TLS SNI and certificate check use the URL's name. Redirects are never followed: a 3xx is a failure, so
 * a receiver cannot bounce the request anywhere, public or not.
 * <p>
 * Each attempt is signed twice with the same timestamp: the Standard Webhooks headers (the delivery id is the
 * {@code webhook-id}, so it is the same on every retry) and the older {@code Vigil-Signature}, which receivers written
 * before the standard headers still check.
 */
@ApplicationScoped
public class WebhookSender {

    public static final String DELIVERY_HEADER = "Vigil-Delivery";
    public static final String EVENT_HEADER = "Vigil-Event";

    private final NotifyConfig config;
    private final String userAgent;
    private final AddressGuard guard;
    private final HttpClient http;

    @Inject
    public WebhookSender(NotifyConfig config, Vertx vertx,
                         @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String version) {
        this(config, vertx, version, new AddressGuard(config.allowPrivateAddresses(), AddressGuard.DNS));
    }

    WebhookSender(NotifyConfig config, Vertx vertx, String version, AddressGuard guard) {
        this.config = config;
        this.userAgent = "Vigil-Webhook/" + version;
        this.guard = guard;
        this.http = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true)
                .setConnectTimeout((int) config.connectTimeout().toMillis()));
    }

    public SendResult send(String url, String secret, String deliveryId, String eventType, String payload) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return SendResult.failed(null, "bad URL", "bad URL: " + e.getMessage());
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (!https && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            return SendResult.failed(null, "bad URL", "bad URL " + url + ": needs http(s) and a host");
        }
        AddressGuard.Verdict verdict = guard.check(uri.getHost());
        if (!verdict.allowed()) {
            return SendResult.failed(null, verdict.refusal(), verdict.detail());
        }
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setSsl(https)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(verdict.address(), port)))
                .setHost(host).setPort(port).setURI(target).setFollowRedirects(false)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.requestTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", userAgent)
                .putHeader(DELIVERY_HEADER, deliveryId)
                .putHeader(EVENT_HEADER, eventType)
                .putHeader(StandardWebhookSignature.ID_HEADER, deliveryId)
                .putHeader(StandardWebhookSignature.TIMESTAMP_HEADER, String.valueOf(now))
                .putHeader(StandardWebhookSignature.SIGNATURE_HEADER, StandardWebhookSignature.signature(secret, deliveryId, now, body))
                .putHeader(WebhookSignature.HEADER, WebhookSignature.header(secret, now, body));
        try {
            int status = http.request(request)
                    .compose(r -> r.send(Buffer.buffer(body)).map(response -> {
                        // only the status matters: do not read (or wait for) whatever body the receiver sends
                        r.connection().close();
                        return response.statusCode();
                    }))
                    .toCompletionStage().toCompletableFuture()
                    .get(config.connectTimeout().plus(config.requestTimeout()).toMillis(), TimeUnit.MILLISECONDS);
            return status / 100 == 2 ? SendResult.delivered(status) : SendResult.status(status);
        } catch (ExecutionException e) {
            return SendResult.failed(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            return SendResult.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.failed(null, "interrupted", "interrupted");
        }
    }
}
