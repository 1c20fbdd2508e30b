package io.vigil.detection.notify.service;

import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.Syslog5424;
import io.vigil.detection.notify.SyslogTransport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One syslog message to a SIEM. TCP: a connection per message with RFC 6587 octet-counting framing; delivered means
 * the receiver accepted the connection and the bytes. UDP (RFC 5426): one datagram, delivered means sent. The host is
 * resolved and checked once ({@link AddressGuard}, the webhooks' rules) and the message goes to that checked address.
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

    public SendResult send(String host, int port, SyslogTransport transport, String message) {
        AddressGuard.Verdict verdict = guard.check(host);
        if (!verdict.allowed()) {
            return SendResult.failed(null, verdict.refusal(), verdict.detail());
        }
        InetSocketAddress to = new InetSocketAddress(verdict.address(), port);
        try {
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
}
