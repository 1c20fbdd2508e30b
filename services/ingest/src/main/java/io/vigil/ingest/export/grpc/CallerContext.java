package io.vigil.ingest.export.grpc;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The Vert.x context a gRPC call arrived on. Storage completes on insert threads; replies to the call go back
 * through this context so they are serialized with the call's own callbacks.
 */
final class CallerContext {

    private final Context context = Vertx.currentContext();

    /** Runs {@code action} on the caller's context, or right here when the call had none. */
    void run(Runnable action) {
        if (context != null) {
            context.runOnContext(v -> action.run());
        } else {
            action.run();
        }
    }
}
