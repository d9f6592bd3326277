"""A Kafka-aware TCP proxy for fault injection in integration tests (loopback only).

Sits between clients and `tide server`, forwarding Kafka frames (4-byte big-endian size, then
the request or response) unchanged, and can:
  - delay the responses to chosen requests (e.g. Produce) past the client's request.timeout.ms;
  - cut the connection right after forwarding a chosen request, so the broker acts on it but
    the client never sees the answer.
Which requests are hit is decided by a FaultPlan: every `every`-th request of an API, at most
`limit` times. The proxy also records what it forwarded: counts per API, and for Produce
(v3..v8) each record batch's (topic, partition, producer id, epoch, base sequence, count), so a
test can show that a client really re-sent a batch.

Start tide with `--set kafka.advertised.listener=127.0.0.1:<proxy.port>` so Metadata and
FindCoordinator send clients back through the proxy.

Threads: one acceptor, and two per proxied connection (client->broker, broker->client). All are
daemons; close() stops them. At most `max_connections` connections are kept.
"""
import collections
import socket
import struct
import threading
import time

API_NAMES = {0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch",
             10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup",
             18: "ApiVersions", 22: "InitProducerId", 24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn",
             26: "EndTxn", 28: "TxnOffsetCommit"}
PRODUCE = 0


class FaultPlan:
    """Hits every `every`-th request of `api` (counted over all connections), `limit` times.

    action "delay": hold the response for `delay` seconds (later responses on that connection
    wait behind it, as with a slow broker); action "cut": forward the request, then close both
    sides of the connection without waiting for the answer. `on_fault`, if given, is called (on
    the proxy's thread, before the cut) once the request was forwarded, e.g. to restart the
    broker while the client waits for its answer.
    """

    def __init__(self, api=PRODUCE, action="delay", every=5, limit=3, delay=1.5, skip=0, on_fault=None):
        assert action in ("delay", "cut")
        self.api, self.action, self.every, self.limit, self.delay, self.skip = api, action, every, limit, delay, skip
        self.on_fault = on_fault
        self.seen = 0
        self.injected = 0

    def hit(self):
        """Called (under the proxy lock) for each request of self.api; True when it is faulted."""
        self.seen += 1
        if self.injected >= self.limit or self.seen <= self.skip or (self.seen - self.skip) % self.every != 0:
            return False
        self.injected += 1
        return True


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _read_frame(sock):
    head = _recv_exact(sock, 4)
    if head is None:
        return None
    (size,) = struct.unpack(">i", head)
    if size < 0 or size > 256 * 1024 * 1024:
        return None
    body = _recv_exact(sock, size)
    return None if body is None else head + body


def parse_produce_batches(frame):
    """(topic, partition, producer_id, epoch, base_sequence, record_count) per record batch of a
    Produce request v3..v8 (non-flexible; librdkafka 2.0 uses these). [] when not parseable."""
    try:
        api_key, version = struct.unpack_from(">hh", frame, 4)
        if api_key != PRODUCE or not 3 <= version <= 8:
            return []
        pos = 4 + 8
        (client_len,) = struct.unpack_from(">h", frame, pos)
        pos += 2 + max(client_len, 0)
        (txn_len,) = struct.unpack_from(">h", frame, pos)
        pos += 2 + max(txn_len, 0)
        pos += 2 + 4  # acks, timeout
        (n_topics,) = struct.unpack_from(">i", frame, pos)
        pos += 4
        out = []
        for _ in range(n_topics):
            (name_len,) = struct.unpack_from(">h", frame, pos)
            topic = frame[pos + 2:pos + 2 + name_len].decode()
            pos += 2 + name_len
            (n_parts,) = struct.unpack_from(">i", frame, pos)
            pos += 4
            for _ in range(n_parts):
                partition, records_len = struct.unpack_from(">ii", frame, pos)
                pos += 8
                end = pos + max(records_len, 0)
                b = pos
                while b + 61 <= end:  # each record batch in the records blob
                    (batch_len,) = struct.unpack_from(">i", frame, b + 8)
                    pid, epoch, base_seq, count = struct.unpack_from(">qhii", frame, b + 43)
                    out.append((topic, partition, pid, epoch, base_seq, count))
                    b += 12 + batch_len
                pos = end
        return out
    except (struct.error, UnicodeDecodeError):
        return []


class KafkaProxy:
    def __init__(self, upstream, listen_port=0, plans=(), max_connections=64):
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.plans = list(plans)
        self.max_connections = max_connections
        self.lock = threading.Lock()
        self.requests = collections.Counter()  # api name -> requests forwarded
        self.produce_batches = []  # parse_produce_batches() of every forwarded Produce, in order
        self.delayed = 0  # responses actually held back
        self.cuts = 0  # connections cut after a forwarded request
        self.log = []  # (time, text) of each injected fault
        self.conns = set()
        self.closed = False
        self.accepting = threading.Event()  # cleared while a FaultPlan's on_fault runs
        self.accepting.set()
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def injected(self):
        with self.lock:
            return self.delayed + self.cuts

    def resent_produce_batches(self):
        """Record batches (by producer id, partition, base sequence) forwarded more than once."""
        with self.lock:
            c = collections.Counter((t, p, pid, epoch, seq) for (t, p, pid, epoch, seq, _) in self.produce_batches
                                    if pid >= 0)
        return {k: n for k, n in c.items() if n > 1}

    def close(self):
        self.closed = True
        try:
            self.server.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            self._shut(c)

    @staticmethod
    def _shut(pair):
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.accepting.wait(timeout=30)
            with self.lock:
                too_many = len(self.conns) >= self.max_connections
            if too_many:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, upstream)
            state = {"pending": {}, "closed": False}  # correlation id -> (api, plan action or None)
            with self.lock:
                self.conns.add(pair)
            threading.Thread(target=self._client_to_broker, args=(pair, state), daemon=True).start()
            threading.Thread(target=self._broker_to_client, args=(pair, state), daemon=True).start()

    def _close_pair(self, pair, state):
        state["closed"] = True
        self._shut(pair)
        with self.lock:
            self.conns.discard(pair)

    def _client_to_broker(self, pair, state):
        client, upstream = pair
        try:
            while True:
                frame = _read_frame(client)
                if frame is None:
                    break
                api_key, version, corr = struct.unpack_from(">hhi", frame, 4) if len(frame) >= 12 else (-1, 0, 0)
                name = API_NAMES.get(api_key, str(api_key))
                fault = None
                with self.lock:
                    self.requests[name] += 1
                    if api_key == PRODUCE:
                        self.produce_batches.extend(parse_produce_batches(frame))
                    for plan in self.plans:
                        if plan.api == api_key and plan.hit():
                            fault = plan
                            break
                    state["pending"][corr] = fault
                if fault is not None and fault.on_fault is not None:
                    # New connections wait until on_fault has returned, so the client's retry
                    # cannot reach the broker before whatever on_fault does (e.g. a restart).
                    self.accepting.clear()
                upstream.sendall(frame)
                if fault is not None and fault.action == "cut":
                    time.sleep(0.2)  # let the broker read (and act on) the request first
                    if fault.on_fault is not None:
                        try:
                            fault.on_fault()
                        finally:
                            self.accepting.set()
                    with self.lock:
                        self.cuts += 1
                        self.log.append((time.time(), "cut after %s v%d corr %d" % (name, version, corr)))
                    break
        except OSError:
            pass
        self._close_pair(pair, state)

    def _broker_to_client(self, pair, state):
        client, upstream = pair
        try:
            while True:
                frame = _read_frame(upstream)
                if frame is None:
                    break
                (corr,) = struct.unpack_from(">i", frame, 4)
                with self.lock:
                    fault = state["pending"].pop(corr, None)
                if fault is not None and fault.action == "cut":
                    break
                if fault is not None and fault.action == "delay":
                    with self.lock:
                        self.delayed += 1
                        self.log.append((time.time(), "delay %.1fs response corr %d" % (fault.delay, corr)))
                    time.sleep(fault.delay)
                    if state["closed"]:
                        break
                client.sendall(frame)
        except OSError:
            pass
        self._close_pair(pair, state)
