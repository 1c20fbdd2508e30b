package io.vigil.sensor.export;

import java.io.IOException;

/** Where the exporter gets bearer tokens: {@link TokenSource} in the sensor, a stub in tests. */
public interface AccessTokens {
    /** A token with time left. */
    TokenSource.Token get() throws IOException, InterruptedException;

    /** The current token was refused: fetch a new one next time. */
    void invalidate();
}
