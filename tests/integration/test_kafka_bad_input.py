"""Malformed and hostile Kafka requests: each gets the right answer or closes only its own
connection with a log line naming the client and the reason; the server keeps serving."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tide_server import TideServer, check  # noqa: E402


def connect(server):
    s = socket.create_connection(("127.0.0.1", server.kafka_port), timeout=5)
    return s


def frame(api_key, version, correlation_id, body=b"", client_id=b"bad-input-test"):
    header = struct.pack(">hhih", api_key, version, correlation_id, len(client_id)) + client_id
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def read_response(s):
    size_bytes = b""
    while len(size_bytes) < 4:
        chunk = s.recv(4 - len(size_bytes))
        if not chunk:
            return None
        size_bytes += chunk
    (size,) = struct.unpack(">i", size_bytes)
    data = b""
    while len(data) < size:
        chunk = s.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def closed_by_server(s):
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return True


def healthy(server):
    s = connect(server)
    s.sendall(frame(18, 0, 77))  # ApiVersions v0
    resp = read_response(s)
    s.close()
    return resp is not None and struct.unpack(">i", resp[:4])[0] == 77


def main():
    server = TideServer(extra_args=["--set", "kafka.socket.request.max.bytes=1048576"]).start()
    try:
        # ApiVersions of a version the broker does not know: KIP-511 answer, UNSUPPORTED_VERSION (35).
        s = connect(server)
        s.sendall(frame(18, 99, 5))
        resp = read_response(s)
        check(resp is not None, "no answer to ApiVersions v99")
        corr, err = struct.unpack(">ih", resp[:6])
        check((corr, err) == (5, 35), "ApiVersions v99 answered %s" % ((corr, err),))
        s.close()

        cases = {
            "unknown api key": frame(9999, 0, 1),
            "unsupported version": frame(0, 99, 2),  # Produce v99
            "truncated body": frame(3, 1, 3, b"\x00\x00\x00\x05\x00"),  # Metadata v1: 5 topics, then nothing
            "negative size": struct.pack(">i", -7) + b"\x00" * 8,
            "oversized request": struct.pack(">i", 50 * 1024 * 1024) + b"\x00" * 16,
            "huge array count": frame(0, 3, 4, b"\xff\xff\x00\x01\x00\x00\x00\x10\x7f\xff\xff\xff"),
        }
        for name, data in cases.items():
            s = connect(server)
            s.sendall(data)
            check(closed_by_server(s), "%s: connection not closed" % name)
            s.close()
            check(healthy(server), "server unhealthy after %s" % name)

        # Random garbage, many connections.
        rnd = __import__("random").Random(7)
        for i in range(200):
            s = connect(server)
            n = rnd.randint(1, 300)
            body = bytes(rnd.getrandbits(8) for _ in range(n))
            s.sendall(struct.pack(">i", len(body)) + body)
            s.settimeout(2)
            try:
                s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                pass
            s.close()
        check(healthy(server), "server unhealthy after garbage")

        log = open(server.log_path, encoding="utf-8", errors="replace").read()
        check("closing connection" in log and "socket.request.max.bytes" in log, "no log line for the oversized request")
        check("unsupported API key 9999" in log, "no log line naming the unknown API key")
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_bad_input")
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        server.kill()


if __name__ == "__main__":
    main()
