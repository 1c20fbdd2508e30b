"""Ordinary LAN traffic for CaptureSoakST, between network namespaces the test made, to addresses it assigned.

  traffic.py serve ADDR            a DNS-like UDP responder on ADDR:5353 (the web server is python's http.server)
  traffic.py client SERVER SECONDS for SECONDS, in turns: a web download from SERVER:8080 (a TCP session), a UDP
                                   query SERVER:5353 answers, an empty UDP datagram to a closed port (ICMP port
                                   unreachable), and every fifth turn a TCP attempt on a closed port (RST); then
                                   prints the counts

Each turn uses new sockets, so every exchange is a flow of its own. The empty datagrams, like most of nmap's UDP
probes, make flows without any history letters; so do ICMP flows.
"""
import socket
import sys
import time
import urllib.request


def serve(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 5353))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(b"answer " + data[:64], peer)


def client(server, seconds):
    end = time.time() + seconds
    counts = {"web": 0, "udp": 0, "udp_closed": 0, "tcp_closed": 0, "errors": 0}
    turn = 0
    while time.time() < end:
        turn += 1
        try:
            urllib.request.urlopen("http://%s:8080/" % server, timeout=5).read()
            counts["web"] += 1
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.settimeout(2)
                u.sendto(b"query %d" % turn, (server, 5353))
                u.recvfrom(2048)
                counts["udp"] += 1
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.sendto(b"", (server, 9999))
            counts["udp_closed"] += 1
            if turn % 5 == 0:
                try:
                    socket.create_connection((server, 8081), timeout=2).close()
                except ConnectionRefusedError:
                    counts["tcp_closed"] += 1
        except OSError:
            counts["errors"] += 1
        time.sleep(0.2)
    print(" ".join("%s=%d" % kv for kv in counts.items()), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        client(sys.argv[2], float(sys.argv[3]))
