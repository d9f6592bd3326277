"""librdkafka's idempotent producer against tide server through a fault-injecting proxy: some
Produce responses are held past the client's request timeout and some connections are cut right
after a Produce was forwarded, so the client re-sends batches the broker already stored. The
topic must then hold every sequence number exactly once, in order within each partition, and
the broker must show it received the re-sent batches but stored none of them twice.
Then the same across a broker crash: a Produce is forwarded, the broker is killed (SIGKILL) and
restarted before the client hears back, and the client's retry must be recognised as a duplicate
by the restarted broker (producer state recovered from the log)."""
import collections
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from kafka_proxy import FaultPlan, KafkaProxy  # noqa: E402
from tide_server import TideServer, check, free_port  # noqa: E402

CLIENT = os.path.join(os.environ.get("TIDE_TEST_CLIENTS", "build/release/test-clients"), "rdkafka_client")
TOPIC = "idem"
PARTITIONS = 3
COUNT = 3000
RESTART_COUNT = 1000


def client(*args, timeout=50):
    res = subprocess.run([CLIENT] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError("rdkafka_client %s failed (%d):\n%s\n%s" % (args[0], res.returncode, res.stdout[-3000:],
                                                                       res.stderr[-3000:]))
    return res.stdout


def fields(out):
    """'word value' lines of the client's output as a dict (last one wins)."""
    return {parts[0]: parts[1] for parts in (line.split(" ", 1) for line in out.splitlines()) if len(parts) == 2}


def metric(text, name, labels):
    m = re.search(r"^%s\{%s\} ([0-9.e+]+)$" % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else 0.0


def check_exactly_once(server, topic, count):
    """Reads the topic: every sequence number 0..count-1 once, increasing within each partition,
    each key in one partition."""
    records = [line.split(" ") for line in client("consume", server.bootstrap, topic, "read_uncommitted").splitlines()
               if line.startswith("msg ")]
    seqs = collections.Counter(int(r[4]) for r in records)
    dups = sorted(s for s, n in seqs.items() if n > 1)
    gaps = sorted(set(range(count)) - set(seqs))
    check(not dups, "%s: %d duplicated sequence numbers, e.g. %s" % (topic, len(dups), dups[:10]))
    check(not gaps, "%s: %d missing sequence numbers, e.g. %s" % (topic, len(gaps), gaps[:10]))
    check(len(records) == count, "%s: read %d records, want %d" % (topic, len(records), count))
    last = {}
    key_partition = {}
    for _, p, o, k, v in records:
        check(key_partition.setdefault(k, p) == p, "key %s in partitions %s and %s" % (k, key_partition[k], p))
        check(int(v) > last.get(p, -1), "%s partition %s offset %s: sequence %s after %d" %
              (topic, p, o, v, last.get(p, -1)))
        last[p] = int(v)


def main():
    proxy_port = free_port()
    server = TideServer(extra_args=["--set", "kafka.advertised.listener=127.0.0.1:%d" % proxy_port]).start()
    # Every 4th Produce response held 2.5 s (request timeout 1 s; librdkafka checks once a second),
    # and the connection cut after every 9th Produce request (the broker stores it, the client
    # never hears back).
    delay = FaultPlan(action="delay", every=4, limit=3, delay=2.5)
    cut = FaultPlan(action="cut", every=9, limit=2)
    proxy = KafkaProxy(server.bootstrap, listen_port=proxy_port, plans=[delay, cut])
    try:
        server.tide("topic", "create", TOPIC, "--partitions", str(PARTITIONS))
        started = time.time()
        out = client("produce-idempotent", proxy.address, TOPIC, COUNT,
                     "request.timeout.ms=1000", "socket.timeout.ms=1000", "message.timeout.ms=30000",
                     "linger.ms=5", "batch.num.messages=50", "retry.backoff.ms=50")
        res = fields(out)
        check(int(res["acked"]) == COUNT, "acked %s of %d" % (res["acked"], COUNT))
        print("produced %d through the proxy in %.1fs; injected: %s" %
              (COUNT, time.time() - started, [text for _, text in proxy.log]))

        # The faults really happened, and the client really re-sent batches.
        check(delay.injected >= 1 and cut.injected >= 1,
              "faults not injected: %d delays, %d cuts (of %d Produce requests)" %
              (delay.injected, cut.injected, proxy.requests["Produce"]))
        resent = proxy.resent_produce_batches()
        check(resent, "no record batch was re-sent: the faults did not make librdkafka retry")
        forwarded_records = sum(b[5] for b in proxy.produce_batches)
        check(forwarded_records > COUNT, "forwarded %d records, not more than %d" % (forwarded_records, COUNT))

        # Each sequence number once, in order (the proxy is still in the path, as the broker
        # advertises it, but it no longer injects faults: both plans are used up).
        check_exactly_once(server, TOPIC, COUNT)

        # The broker saw every re-sent Produce but stored the records once.
        metrics = server.metrics()
        produced = metric(metrics, "tide_kafka_produced_records_total", 'topic="%s"' % TOPIC)
        produce_requests = metric(metrics, "tide_kafka_requests_total", 'api="Produce"')
        check(produced == COUNT, "broker counted %d produced records, want %d" % (produced, COUNT))
        duplicates = metric(metrics, "tide_kafka_produce_duplicates_total", 'topic="%s"' % TOPIC)
        check(duplicates >= 1, "the broker detected no retried duplicate batch (re-sent: %d)" % len(resent))
        check(produce_requests >= proxy.requests["Produce"],
              "broker handled %d Produce requests, proxy forwarded %d" % (produce_requests, proxy.requests["Produce"]))
        print("%d records exactly once after %d delayed responses and %d cut connections; "
              "%d batches re-sent, %d records forwarded, %d stored; client: %s timeouts, %s disconnects" %
              (COUNT, delay.injected, cut.injected, len(resent), forwarded_records, produced,
               res.get("request-timeouts"), res.get("disconnects")))

        # A broker crash and restart between a Produce and its answer.
        restarts = []

        def restart():
            server.kill9()  # a crash: producer state must be rebuilt from the log
            server.start(kafka_port=server.kafka_port)
            restarts.append(time.time())

        before = len(proxy.produce_batches)
        restart_cut = FaultPlan(action="cut", every=6, limit=1, on_fault=restart)
        proxy.plans = [restart_cut]
        server.tide("topic", "create", "idem-restart", "--partitions", str(PARTITIONS))
        res = fields(client("produce-idempotent", proxy.address, "idem-restart", RESTART_COUNT,
                            "message.timeout.ms=30000", "linger.ms=5", "batch.num.messages=50",
                            "retry.backoff.ms=50", "reconnect.backoff.max.ms=500"))
        check(int(res["acked"]) == RESTART_COUNT, "acked %s of %d" % (res["acked"], RESTART_COUNT))
        check(len(restarts) == 1, "the broker was not restarted mid-produce")
        resent = {k: n for k, n in collections.Counter(
            (t, p, pid, seq) for (t, p, pid, _, seq, _) in proxy.produce_batches[before:]).items() if n > 1}
        check(resent, "no batch was re-sent to the restarted broker")
        check_exactly_once(server, "idem-restart", RESTART_COUNT)
        proxy.close()
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_idempotent: exactly once with lost and late answers (%d records) and across a "
              "crash (%d records, %d batches re-sent to the restarted broker)" % (COUNT, RESTART_COUNT, len(resent)))
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        proxy.close()
        server.kill()


if __name__ == "__main__":
    main()
