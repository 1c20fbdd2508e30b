package io.vigil.detection.notify.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vigil.lib.api.auth.Access;
import io.vigil.lib.api.id.Ids;
import io.vigil.lib.api.auth.Role;
import io.vigil.detection.customer.service.CustomerAccess;
import io.vigil.detection.notify.Delivery;
import io.vigil.detection.notify.DeliveryStatus;
import io.vigil.detection.notify.Destination;
import io.vigil.detection.notify.DestinationKind;
import io.vigil.detection.notify.NotificationEvent;
import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.SecretSeal;
import io.vigil.detection.notify.StandardWebhookSignature;
import io.vigil.detection.notify.rest.DeliveryView;
import io.vigil.detection.notify.rest.DestinationCreate;
import io.vigil.detection.notify.rest.DestinationPatch;
import io.vigil.detection.notify.rest.DestinationView;
import io.vigil.detection.notify.repository.DeliveryRepository;
import io.vigil.detection.notify.repository.DestinationRepository;
import io.vigil.detection.model.Severity;
import io.vigil.lib.api.auth.TenantContext;
import io.vigil.lib.api.paging.Cursor;
import io.vigil.lib.api.paging.Page;
import io.vigil.lib.api.problem.Problem;
import io.vigil.lib.api.problem.ProblemException;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Notification destinations of a customer or an MSP, for callers: the owner in the path must be visible (else 404),
 * msp-admin and platform-admin manage, analysts and the customer's viewers read.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);

    private final DestinationRepository destinations;
    private final DeliveryRepository deliveries;
    private final CustomerAccess access;
    private final NotificationPayloads payloads;
    private final NotifyConfig config;
    private final Vertx vertx;
    private final AddressGuard guard;
    private final SecretSeal seal;

    public NotificationService(DestinationRepository destinations, DeliveryRepository deliveries,
                               CustomerAccess access, NotificationPayloads payloads, NotifyConfig config, Vertx vertx,
                               SecretSeal seal) {
        this.destinations = destinations;
        this.deliveries = deliveries;
        this.access = access;
        this.payloads = payloads;
        this.config = config;
        this.vertx = vertx;
        this.guard = new AddressGuard(config.allowPrivateAddresses(), AddressGuard.DNS);
        this.seal = seal;
    }

    /**
     * Whose destinations a path names: one customer's ({@code customerId} set), or an MSP's MSP-wide ones.
     */
    public record Owner(String mspId, String customerId) {

        public static Owner customer(String customerId) {
            return new Owner(null, customerId);
        }

        public static Owner msp(String mspId) {
            return new Owner(mspId, null);
        }
    }

    /** The owner with its MSP filled in, if the caller may see it; 404 otherwise (403 for a viewer on its own MSP). */
    private Uni<Owner> visible(TenantContext ctx, Owner ref) {
        if (ref.customerId() != null) {
            return access.requireVisible(ctx, ref.customerId()).map(c -> new Owner(c.mspId, c.id));
        }
        return access.requireMsp(ctx, ref.mspId(), "notification destinations").replaceWith(ref);
    }

    /** Manages destinations: msp-admin of a visible owner, or platform-admin. */
    private static boolean admin(TenantContext ctx) {
        return Access.may(ctx, Role.Action.MANAGE);
    }

    /** Call after the owner proved visible: analysts and viewers read only. */
    private static void requireAdmin(TenantContext ctx) {
        Access.requireManage(ctx, "notification destinations");
    }

    private Uni<Destination> requireDestination(TenantContext ctx, Owner owner, String id) {
        return destinations.findVisible(ctx, owner.mspId(), owner.customerId(), id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("notification destination", id));
    }

    @WithSession
    public Uni<List<DestinationView>> list(TenantContext ctx, Owner ref) {
        return visible(ctx, ref).chain(o -> destinations.listVisible(ctx, o.mspId(), o.customerId()))
                .map(rows -> rows.stream().map(d -> DestinationView.of(d, admin(ctx))).toList());
    }

    @WithSession
    public Uni<DestinationView> get(TenantContext ctx, Owner ref, String id) {
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id)).map(d -> DestinationView.of(d, admin(ctx)));
    }

    @WithTransaction
    public Uni<DestinationView> create(TenantContext ctx, Owner ref, DestinationCreate body) {
        return visible(ctx, ref).chain(o -> {
            requireAdmin(ctx);
            validate(body);
            return requirePublicReceiver(body).chain(() -> destinations.countOwned(o.mspId(), o.customerId())).chain(n -> {
                if (n >= config.maxDestinations()) {
                    throw ProblemException.conflict("at most " + config.maxDestinations() + " notification destinations per owner");
                }
                Instant now = Instant.now();
                Destination d = new Destination();
                d.id = Ids.newId("nd", 16);
                d.mspId = o.mspId();
                d.customerId = o.customerId();
                d.name = body.name().strip();
                d.kind = body.kind();
                d.enabled = body.enabled() == null || body.enabled();
                d.minSeverity = body.minSeverity() == null ? Severity.LOW : body.minSeverity();
                d.events = events(body.events());
                String secret = null;
                if (d.kind == DestinationKind.WEBHOOK) {
                    d.url = body.url();
                    secret = StandardWebhookSignature.newSecret();
                    d.secret = seal.seal(secret, d.id);
                } else {
                    SyslogDestinations.apply(body, d, seal);
                }
                d.createdBy = ctx.actor();
                d.createdAt = now;
                d.updatedAt = now;
                String shown = secret;
                return destinations.persist(d).map(saved -> DestinationView.of(saved, shown));
            });
        });
    }

    @WithTransaction
    public Uni<DestinationView> update(TenantContext ctx, Owner ref, String id, DestinationPatch patch) {
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id)).map(d -> {
            requireAdmin(ctx);
            if (patch.name() != null) {
                d.name = patch.name().strip();
            }
            if (patch.enabled() != null) {
                d.enabled = patch.enabled();
            }
            if (patch.minSeverity() != null) {
                d.minSeverity = patch.minSeverity();
            }
            if (patch.events() != null) {
                d.events = events(patch.events());
            }
            d.updatedAt = Instant.now();
            return DestinationView.of(d, true);
        });
    }

    /** A new webhook secret, returned once; the old one stops working at once. */
    @WithTransaction
    public Uni<DestinationView> rotateSecret(TenantContext ctx, Owner ref, String id) {
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id)).map(d -> {
            requireAdmin(ctx);
            if (d.kind != DestinationKind.WEBHOOK) {
                throw ProblemException.conflict("only a webhook has a secret");
            }
            String secret = StandardWebhookSignature.newSecret();
            d.secret = seal.seal(secret, d.id);
            d.updatedAt = Instant.now();
            return DestinationView.of(d, secret);
        });
    }

    /** Deletes the destination and its delivery log; pending deliveries to it are not sent. */
    @WithTransaction
    public Uni<Void> delete(TenantContext ctx, Owner ref, String id) {
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id)).chain(d -> {
            requireAdmin(ctx);
            return destinations.delete(d);
        });
    }

    @WithSession
    public Uni<Page<DeliveryView>> deliveries(TenantContext ctx, Owner ref, String id, DeliveryStatus status, String cursor,
                                              int limit) {
        Long before = before(cursor);
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id))
                .chain(d -> deliveries.page(d.id, before, status, limit + 1))
                .map(rows -> {
                    List<DeliveryView> items = rows.stream().limit(limit).map(DeliveryView::of).toList();
                    String next = rows.size() > limit ? Cursor.encode(String.valueOf(rows.get(limit - 1).seq)) : null;
                    return new Page<>(items, next);
                });
    }

    /** Queues a test notification to the destination (sent by the worker like any other, and logged). */
    @WithTransaction
    public Uni<DeliveryView> test(TenantContext ctx, Owner ref, String id) {
        return visible(ctx, ref).chain(o -> requireDestination(ctx, o, id)).chain(d -> {
            requireAdmin(ctx);
            Instant now = Instant.now();
            Delivery x = new Delivery();
            x.id = Ids.newId("dl", 16);
            x.destinationId = d.id;
            x.mspId = d.mspId;
            x.customerId = d.customerId;
            x.event = NotificationPayloads.TEST;
            x.severity = Severity.LOW.name();
            x.dedupeKey = x.id;
            x.payload = d.kind == DestinationKind.WEBHOOK ? payloads.webhookTest(x.id, d.mspId, d.customerId, now)
                    : payloads.syslogTest(d.mspId, d.customerId, now);
            x.status = DeliveryStatus.PENDING;
            x.nextAttemptAt = now;
            x.createdAt = now;
            return deliveries.persist(x).map(DeliveryView::of);
        });
    }

    /** The chosen events in their declared order; none given: every event, sensor health included. */
    private static String[] events(Set<NotificationEvent> events) {
        Set<NotificationEvent> chosen = events == null ? Set.of(NotificationEvent.values()) : events;
        return Arrays.stream(NotificationEvent.values()).filter(chosen::contains).map(Enum::name).toArray(String[]::new);
    }

    private void validate(DestinationCreate body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body.kind() == DestinationKind.WEBHOOK) {
            if (body.url() == null) {
                errors.add(new Problem.FieldError("url", "a webhook needs a url"));
            } else {
                String problem = urlProblem(body.url());
                if (problem != null) {
                    errors.add(new Problem.FieldError("url", problem));
                }
            }
            for (String f : List.of("host", "port", "transport", "tls")) {
                Object v = switch (f) {
                    case "host" -> body.host();
                    case "port" -> body.port();
                    case "transport" -> body.transport();
                    default -> body.tls();
                };
                if (v != null) {
                    errors.add(new Problem.FieldError(f, "only for syslog"));
                }
            }
        } else {
            errors.addAll(SyslogDestinations.problems(body));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList()), errors);
        }
    }

    /**
     * The receiver must resolve to public addresses only, as every delivery checks again: refused here with a 400, so a
     * wrong destination is found at once rather than in its delivery log. The answer does not say whether the host did
     * not resolve or resolved to a non-public address, nor to which (the server log does), so creating destinations is
     * no probe of the internal network. DNS blocks, so it runs on a worker thread.
     */
    private Uni<Void> requirePublicReceiver(DestinationCreate body) {
        if (config.allowPrivateAddresses()) {
            return Uni.createFrom().voidItem();
        }
        boolean webhook = body.kind() == DestinationKind.WEBHOOK;
        String host = webhook ? URI.create(body.url()).getHost() : body.host();
        return vertx.executeBlocking(() -> guard.check(host), false).invoke(verdict -> {
            if (!verdict.allowed()) {
                LOG.infof("notification destination refused: %s", verdict.detail());
                String field = webhook ? "url" : "host";
                String message = "refused: must name a host that resolves to public addresses only";
                throw ProblemException.badRequest(field + ": " + message, List.of(new Problem.FieldError(field, message)));
            }
        }).replaceWithVoid();
    }

    private String urlProblem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "not a URL";
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return "needs a scheme and a host";
        }
        if (uri.getUserInfo() != null) {
            return "must not carry credentials; the signature authenticates the sender";
        }
        if (uri.getScheme().equals("https")) {
            return null;
        }
        if (uri.getScheme().equals("http")) {
            return config.webhookRequireHttps() ? "must be https" : null;
        }
        return "must be https";
    }

    private static Long before(String cursor) {
        String key = Cursor.decode(cursor);
        try {
            return key == null ? null : Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor: not a cursor this API returned");
        }
    }
}
