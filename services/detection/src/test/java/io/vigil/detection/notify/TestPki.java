package io.vigil.detection.notify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates the tests make themselves with the JDK's keytool (no other tool): a CA, and certificates it issues with
 * the names and key usage asked for, each written as PEM (certificate, and the key as unencrypted PKCS #8) the way an
 * MSP would paste them, and as rsyslog reads them.
 */
public final class TestPki {

    private static final String PASS = "changeit";

    private final Path dir;
    private final String caAlias;

    private TestPki(Path dir, String caAlias) {
        this.dir = dir;
        this.caAlias = caAlias;
    }

    /** One issued certificate: its PEM files and texts. */
    public record Issued(Path certificateFile, Path keyFile, String certificate, String key) {
    }

    /** A new self-signed CA named {@code name} in {@code dir}. */
    public static TestPki ca(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir, name);
        pki.keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-validity", "2", "-keystore", pki.store(name).toString(),
                "-storetype", "PKCS12", "-storepass", PASS);
        pki.keytool("-exportcert", "-rfc", "-alias", name, "-keystore", pki.store(name).toString(), "-storepass", PASS,
                "-file", pki.caFile().toString());
        return pki;
    }

    public Path caFile() {
        return dir.resolve(caAlias + "-ca.pem");
    }

    public String caPem() throws IOException {
        return Files.readString(caFile());
    }

    /**
     * A certificate for {@code name} issued by this CA.
     *
     * @param san   subject alternative names in keytool's form, e.g. "ip:127.0.0.1,dns:localhost"
     * @param usage extended key usage: "serverAuth" or "clientAuth"
     */
    public Issued issue(String name, String san, String usage) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = store(name);
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASS);
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASS, "-file", csr.toString());
        Path cert = dir.resolve(name + "-cert.pem");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", caAlias, "-keystore",
                store(caAlias).toString(), "-storepass", PASS, "-infile", csr.toString(), "-outfile", cert.toString(),
                "-validity", "2", "-ext", "eku=" + usage, "-ext", "ku:c=digitalSignature"));
        if (san != null) {
            gencert.addAll(List.of("-ext", "san=" + san));
        }
        keytool(gencert.toArray(String[]::new));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey(name, PASS.toCharArray());
        String keyPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(keyFile, keyPem);
        return new Issued(cert, keyFile, Files.readString(cert), keyPem);
    }

    private Path store(String alias) {
        return dir.resolve(alias + ".p12");
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.add("-noprompt");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
