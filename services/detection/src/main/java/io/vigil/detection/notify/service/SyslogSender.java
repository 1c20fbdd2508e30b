package io.vigil.detection.notify.service;

import io.vigil.detection.notify.NotifyConfig;
import io.vigil.detection.notify.Syslog5424;
import io.vigil.detection.notify.SyslogTransport;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One syslog message to a SIEM. TCP: a connection per message with RFC 6587 octet-counting framing; delivered means
 * the receiver accepted the connection and the bytes. UDP (RFC 5426): one datagram, delivered means sent.
 */
@ApplicationScoped
public class SyslogSender {

    /** The largest UDP payload over IPv4. */
    static final int MAX_DATAGRAM = 65_507;

    private final NotifyConfig config;

    public SyslogSender(NotifyConfig config) {
        this.config = config;
    }

    public SendResult send(String host, int port, SyslogTransport transport, String message) {
        String refusal = AddressGuard.refusal(host, config.allowPrivateAddresses());
        if (refusal != null) {
            return SendResult.failed(null, refusal);
        }
        try {
            if (transport == SyslogTransport.TCP) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port), (int) config.connectTimeout().toMillis());
                    socket.setSoTimeout((int) config.requestTimeout().toMillis());
                    OutputStream out = socket.getOutputStream();
                    out.write(Syslog5424.octetCounted(message));
                    out.flush();
                    socket.shutdownOutput();
                }
            } else {
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > MAX_DATAGRAM) {
                    return SendResult.failed(null, "message of " + bytes.length + " bytes is too large for UDP");
                }
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(host, port)));
                }
            }
            return SendResult.delivered(null);
        } catch (IOException e) {
            return SendResult.failed(null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
