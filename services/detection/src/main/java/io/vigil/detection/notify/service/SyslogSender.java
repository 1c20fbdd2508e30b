package io.vigil.detection.notify.service;

import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.Syslog5424;
import io.vigil.detection.notify.SyslogTls;
import io.vigil.detection.notify.SyslogTransport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One syslog message to a SIEM. TCP: a connection per message with RFC 6587 octet-counting framing; delivered means
 * the receiver accepted the connection and the bytes. TLS (RFC 5425): the same frame inside TLS, once the receiver's
 * certificate chained to the destination's CA (or the JVM's trust store) and, unless turned off, named the host as the
 * destination gives it; a handshake that fails is a failed attempt whose category says why. UDP (RFC 5426): one
 * datagram, delivered means sent. The host is resolved and checked once ({@link AddressGuard}, the webhooks' rules)
 * and the message goes to that checked address.
 */
@ApplicationScoped
public class SyslogSender {

    /** The largest UDP payload over IPv4. */
    static final int MAX_DATAGRAM = 65_507;

    private final NotifyConfig config;
    private final AddressGuard guard;

    @Inject
    public SyslogSender(NotifyConfig config) {
        this(config, new AddressGuard(config.allowPrivateAddresses(), AddressGuard.DNS));
    }

    SyslogSender(NotifyConfig config, AddressGuard guard) {
        this.config = config;
        this.guard = guard;
    }

    /**
     * Sends one message.
     *
     * @param tls what a TLS destination trusts and presents (ignored for TCP and UDP)
     */
    public SendResult send(String host, int port, SyslogTransport transport, SyslogTls tls, String message) {
        AddressGuard.Verdict verdict = guard.check(host);
        if (!verdict.allowed()) {
            return SendResult.failed(null, verdict.refusal(), verdict.detail());
        }
        InetSocketAddress to = new InetSocketAddress(verdict.address(), port);
        try {
            if (transport == SyslogTransport.TLS) {
                try {
                    return sendTls(to, host, tls == null ? SyslogTls.defaults() : tls, message);
                } catch (IllegalArgumentException e) {
                    // settings checked at creation that no longer parse: the stored row was changed by hand
                    return SendResult.failed(null, SendResult.TLS_SETTINGS, "TLS settings of the destination do not parse: "
                            + e.getMessage());
                }
            }
            if (transport == SyslogTransport.TCP) {
                try (Socket socket = new Socket()) {
                    socket.connect(to, (int) config.connectTimeout().toMillis());
                    socket.setSoTimeout((int) config.requestTimeout().toMillis());
                    OutputStream out = socket.getOutputStream();
                    out.write(Syslog5424.octetCounted(message));
                    out.flush();
                    socket.shutdownOutput();
                }
            } else {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > MAX_DATAGRAM) {
                    return SendResult.failed(null, "message too large for UDP", "message of " + bytes.length
                            + " bytes is too large for UDP");
                }
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.send(new DatagramPacket(bytes, bytes.length, to));
                }
            }
            return SendResult.delivered(null);
        } catch (IOException e) {
            return SendResult.failed(e);
        }
    }

    /**
     * The TCP connection goes to the checked address; the TLS session is made for {@code host} as the destination names
     * it, so SNI and the certificate's name check use that name (an IP address is checked against the certificate's IP
     * addresses).
     */
    private SendResult sendTls(InetSocketAddress to, String host, SyslogTls tls, String message) throws IOException {
        SSLSocketFactory factory = tls.sslContext().getSocketFactory();
        String peer = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try (Socket plain = new Socket()) {
            plain.connect(to, (int) config.connectTimeout().toMillis());
            plain.setSoTimeout((int) config.requestTimeout().toMillis());
            try (SSLSocket socket = (SSLSocket) factory.createSocket(plain, peer, to.getPort(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                if (tls.verifyHostname()) {
                    // RFC 5425 §5.2 checks the certificate's names as RFC 2818 does for HTTPS
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                }
                if (!peer.contains(":") && !peer.matches("[0-9.]+")) {
                    // SNI carries DNS names only, without the trailing dot of a fully qualified one
                    String name = peer.endsWith(".") ? peer.substring(0, peer.length() - 1) : peer;
                    parameters.setServerNames(List.of(new SNIHostName(name)));
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(Syslog5424.octetCounted(message));
                out.flush();
                if ("TLSv1.3".equals(socket.getSession().getProtocol())) {
                    return confirmTls13(socket);
                }
            }
        }
        return SendResult.delivered(null);
    }

    /**
     * In TLS 1.3 the receiver judges a client certificate only after the client's handshake is done, so a refusal
     * arrives as an alert after the message was written. Close our side (close_notify) and read until the receiver
     * closes too: an alert fails the attempt; the receiver's close, a reset or no answer within the request timeout
     * after the bytes went out counts as delivered, as for TCP.
     */
    private static SendResult confirmTls13(SSLSocket socket) {
        try {
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[256];
            while (in.read(sink) >= 0) {
                // a syslog receiver sends nothing; whatever comes is ignored until the close
            }
        } catch (SSLException e) {
            if (String.valueOf(e.getMessage()).contains("Received fatal alert")) {
                return SendResult.failed(e);
            }
        } catch (IOException e) {
            // reset or timed out after the message was written: delivered as far as TCP tells
        }
        return SendResult.delivered(null);
    }
}
