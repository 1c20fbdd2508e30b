package io.vigil.tenants.sensor.packages;

import io.vigil.lib.api.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The one-line installer ({@code sensor/install.sh} in this module's resources) with this server's URL, the token and
 * ingest's address filled in. Every value put into the script is checked against a strict pattern and single-quoted.
 */
@ApplicationScoped
public class SensorInstaller {

    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]_-]+(/[A-Za-z0-9._~/-]*)?");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]+:[0-9]{1,5}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");

    private final SensorPackageConfig config;
    private final String template;

    public SensorInstaller(SensorPackageConfig config) {
        this.config = config;
        try (InputStream in = SensorInstaller.class.getResourceAsStream("/sensor/install.sh")) {
            if (in == null) {
                throw new IllegalStateException("sensor/install.sh is missing from the tenants service's resources");
            }
            this.template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Settings that cannot go into the script stop the service at start, not a sensor's install.
        config.publicUrl().ifPresent(u -> checked(u, URL, "vigil.sensor-package.public-url"));
        config.ingestAddress().ifPresent(a -> checked(a, ADDRESS, "vigil.sensor-package.ingest-address"));
    }

    /** The installer for {@code token}, requested at {@code base} (used when no public URL is configured). */
    public String script(String token, URI base) {
        String url = config.publicUrl().orElse(base.toString()).replaceAll("/+$", "");
        if (!URL.matcher(url).matches()) {
            throw ProblemException.badRequest("this request's address (" + url.replaceAll("[^\\x20-\\x7e]", "?")
                    + ") cannot be written into the installer; the service needs vigil.sensor-package.public-url");
        }
        if (!TOKEN.matcher(token).matches()) {
            throw new ProblemException(401, "enrollment-token-refused", "Enrollment token refused", "enrollment token is not valid");
        }
        return template.replace("@URL@", url).replace("@TOKEN@", token)
                .replace("@INGEST@", config.ingestAddress().orElse(""))
                .replace("@INGEST_TLS@", String.valueOf(config.ingestTls()));
    }

    private static void checked(String value, Pattern pattern, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalStateException(what + " cannot be written into the sensor installer (a shell script): '"
                    + value + "' is not " + pattern.pattern());
        }
    }
}
