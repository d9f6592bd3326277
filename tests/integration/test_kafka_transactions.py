"""librdkafka's transactional producer against tide server:
1. committed transactions are visible to read_committed consumers and aborted ones never
   (read_uncommitted sees both, so the aborted records really are in the log);
2. a consume-transform-produce loop that sends its consumed offsets inside each transaction, with
   one batch aborted midway: the output holds exactly one transformation of every input record,
   the aborted batch's offsets were never committed, and the group's committed offsets end at
   the input's end;
3. an open transaction holds read_committed consumers at the last stable offset, even for
   non-transactional records written after it, until it commits (or aborts);
4. a second producer with the same transactional.id fences the first: its open transaction is
   aborted and its late commit refused;
5. transactions through a proxy that loses responses (connections cut after EndTxn and Produce
   were forwarded, AddPartitionsToTxn answered after the request timeout): the client's retries
   are answered consistently and every committed transaction is visible exactly once;
6. an open transaction survives a broker crash (SIGKILL and restart): read_committed consumers
   are still held at its first record, and the producer can then commit it."""
import collections
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from kafka_proxy import FaultPlan, KafkaProxy  # noqa: E402
from tide_server import TideServer, check, free_port  # noqa: E402

from kafka.admin import KafkaAdminClient  # noqa: E402

CLIENT = os.path.join(os.environ.get("TIDE_TEST_CLIENTS", "build/release/test-clients"), "rdkafka_client")


def client(*args, timeout=45):
    res = subprocess.run([CLIENT] + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise RuntimeError("rdkafka_client %s failed (%d):\n%s\n%s" % (args[0], res.returncode, res.stdout[-3000:],
                                                                       res.stderr[-3000:]))
    return res.stdout


def consume(bootstrap, topic, isolation):
    """(records as (partition, offset, key, value), {partition: end offset reported at EOF})."""
    records, ends = [], {}
    for line in client("consume", bootstrap, topic, isolation).splitlines():
        parts = line.split(" ")
        if parts[0] == "msg":
            records.append((int(parts[1]), int(parts[2]), parts[3], parts[4]))
        elif parts[0] == "eof":
            ends[int(parts[1])] = int(parts[2])
    return records, ends


def kcat_produce(bootstrap, topic, values):
    subprocess.run(["kcat", "-P", "-b", bootstrap, "-t", topic, "-p", "0"], input="".join(v + "\n" for v in values),
                   text=True, check=True, capture_output=True, timeout=30)


def hold(bootstrap, topic, txn_id, count):
    """Starts `rdkafka_client txn-hold`; returns once its transaction is open with `count` records."""
    proc = subprocess.Popen([CLIENT, "txn-hold", bootstrap, topic, txn_id, str(count)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("open"):
        proc.kill()
        raise RuntimeError("txn-hold did not open a transaction: %s %s" % (line, proc.stderr.read()))
    return proc


def finish(proc, command):
    """Tells a txn-hold client to commit or abort; returns (exit status, stdout, stderr)."""
    out, err = proc.communicate(command + "\n", timeout=30)
    return proc.returncode, out, err


def finish_ok(proc, command):
    rc, out, err = finish(proc, command)
    check(rc == 0 and out.strip() == {"commit": "committed", "abort": "aborted"}[command],
          "txn-hold %s: %d %s %s" % (command, rc, out, err))


def commit_and_abort(server, proxy):
    """Six transactions of 20 records over 2 partitions; every third one aborted."""
    b = server.bootstrap
    server.tide("topic", "create", "tx", "--partitions", "2")
    out = client("produce-transactional", b, "tx", "tx-producer", 20, 6, 3)
    check("committed-txns 4" in out and "aborted-txns 2" in out, "transactions: " + out)
    want_committed = {"t%d-%d-commit" % (t, i) for t in (0, 1, 3, 4) for i in range(20)}
    want_aborted = {"t%d-%d-abort" % (t, i) for t in (2, 5) for i in range(20)}

    committed, _ = consume(b, "tx", "read_committed")
    values = collections.Counter(v for _, _, _, v in committed)
    check(set(values) == want_committed and len(committed) == 80,
          "read_committed: %d records; missing %s; unexpected %s" %
          (len(committed), sorted(want_committed - set(values))[:5], sorted(set(values) - want_committed)[:5]))
    uncommitted, _ = consume(b, "tx", "read_uncommitted")
    values = {v for _, _, _, v in uncommitted}
    check(values == want_committed | want_aborted and len(uncommitted) == 120,
          "read_uncommitted: %d records; missing %s" %
          (len(uncommitted), sorted((want_committed | want_aborted) - values)[:5]))
    # Within a partition, committed records keep the producer's order.
    last = {}
    for p, o, k, v in committed:
        t, i, _ = v.split("-")
        pos = (int(t[1:]), int(i))
        check(pos > last.get(p, (-1, -1)), "partition %d offset %d: %s out of order" % (p, o, v))
        last[p] = pos


def transform_with_offsets(server, proxy):
    """Input written by a plain idempotent producer; the loop aborts its 2nd batch of 30."""
    b = server.bootstrap
    server.tide("topic", "create", "in", "--partitions", "2")
    server.tide("topic", "create", "out", "--partitions", "2")
    n = 200
    client("produce-idempotent", b, "in", n)
    _, input_ends = consume(b, "in", "read_uncommitted")
    check(sum(input_ends.values()) == n, "input ends %s" % input_ends)

    out = client("consume-transform-produce", b, "in", "out", "transformer", "ctp-producer",
                 "client.batch.size=30", "client.abort.batch=2")
    lines = out.splitlines()
    check("aborted-batches 1" in lines, "no batch aborted:\n" + out)
    # After the abort the loop rewinds to the group's committed offsets: those of batch 1, not
    # the aborted batch 2.
    batch1 = next(line for line in lines if line.startswith("batch 1 committed")).split(" offsets")[1].split()
    rewound = next(line for line in lines if line.startswith("rewound")).split()[1:]
    rewound = [e for e in rewound if int(e.split(":")[1]) >= 0]
    check(sorted(rewound) == sorted(batch1),
          "after the abort the group's committed offsets are %s, want batch 1's %s" % (rewound, batch1))

    want = collections.Counter("tx:%d" % i for i in range(n))
    output, _ = consume(b, "out", "read_committed")
    got = collections.Counter(v for _, _, _, v in output)
    check(got == want, "output: %d records, %d distinct; missing %s; duplicated %s" %
          (len(output), len(got), sorted(set(want) - set(got))[:5], [v for v, c in got.items() if c > 1][:5]))
    everything, _ = consume(b, "out", "read_uncommitted")
    check(len(everything) == n + 30, "read_uncommitted output has %d records, want %d (with the aborted batch)" %
          (len(everything), n + 30))

    admin = KafkaAdminClient(bootstrap_servers=b)
    try:
        offsets = admin.list_consumer_group_offsets("transformer")
    finally:
        admin.close()
    committed = {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == "in"}
    check(committed == input_ends, "group committed offsets %s, input ends %s" % (committed, input_ends))


def open_transaction_blocks_lso(server, proxy):
    """read_committed stops at an open transaction's first record, also for later plain records."""
    b = server.bootstrap
    server.tide("topic", "create", "lso", "--partitions", "1")
    kcat_produce(b, "lso", ["before-%d" % i for i in range(5)])

    held = hold(b, "lso", "lso-producer", 3)
    try:
        kcat_produce(b, "lso", ["after-%d" % i for i in range(4)])
        committed, ends = consume(b, "lso", "read_committed")
        check([v for *_, v in committed] == ["before-%d" % i for i in range(5)] and ends == {0: 5},
              "read_committed with an open transaction: %s, end %s" % ([v for *_, v in committed], ends))
        everything, ends = consume(b, "lso", "read_uncommitted")
        check(len(everything) == 12 and ends == {0: 12}, "read_uncommitted: %d records, end %s" % (len(everything), ends))
        finish_ok(held, "commit")
    finally:
        if held.poll() is None:
            held.kill()
    committed, _ = consume(b, "lso", "read_committed")
    want = ["before-%d" % i for i in range(5)] + ["held-%d" % i for i in range(3)] + ["after-%d" % i for i in range(4)]
    check([v for *_, v in committed] == want, "read_committed after commit: %s" % [v for *_, v in committed])

    # An aborted open transaction: records behind it become visible, its own never.
    held = hold(b, "lso", "lso-producer", 2)
    try:
        kcat_produce(b, "lso", ["late-%d" % i for i in range(2)])
        committed, _ = consume(b, "lso", "read_committed")
        check([v for *_, v in committed] == want, "read_committed during 2nd transaction: %s" %
              [v for *_, v in committed])
        finish_ok(held, "abort")
    finally:
        if held.poll() is None:
            held.kill()
    committed, _ = consume(b, "lso", "read_committed")
    check([v for *_, v in committed] == want + ["late-0", "late-1"],
          "read_committed after abort: %s" % [v for *_, v in committed])


def fencing(server, proxy):
    """A new producer with the same transactional.id aborts the old one's open transaction."""
    b = server.bootstrap
    server.tide("topic", "create", "fence", "--partitions", "1")
    zombie = hold(b, "fence", "fenced-producer", 3)
    try:
        out = client("produce-transactional", b, "fence", "fenced-producer", 5, 1, 0)
        check("committed-txns 1" in out, "new producer: " + out)
        rc, out, err = finish(zombie, "commit")
        check(rc != 0 and "committed" not in out, "the fenced producer committed: %d %s %s" % (rc, out, err))
        check("FENCED" in err or "EPOCH" in err, "fenced producer's commit failed, but not as fenced: " + err)
        fenced_error = err.strip().splitlines()[-1]
    finally:
        if zombie.poll() is None:
            zombie.kill()
    committed, _ = consume(b, "fence", "read_committed")
    check([v for *_, v in committed] == ["t0-%d-commit" % i for i in range(5)],
          "read_committed after fencing: %s" % [v for *_, v in committed])
    everything, _ = consume(b, "fence", "read_uncommitted")
    check(len(everything) == 8, "read_uncommitted after fencing: %d records, want 8" % len(everything))
    return "zombie's commit: " + fenced_error


def lost_responses(server, proxy):
    """Transactions through the proxy while it loses EndTxn, Produce and AddPartitionsToTxn answers."""
    server.tide("topic", "create", "lossy", "--partitions", "2")
    plans = [FaultPlan(api=26, action="cut", every=2, limit=2),     # EndTxn forwarded, answer lost
             FaultPlan(api=0, action="cut", every=7, limit=1),      # Produce forwarded, answer lost
             FaultPlan(api=24, action="delay", every=3, limit=1, delay=2.5)]  # AddPartitionsToTxn late
    proxy.plans = plans
    try:
        out = client("produce-transactional", proxy.address, "lossy", "lossy-producer", 30, 8, 4,
                     "request.timeout.ms=1000", "socket.timeout.ms=1000", "linger.ms=5", "batch.num.messages=10",
                     "retry.backoff.ms=50", timeout=50)
    finally:
        proxy.plans = []
    check("committed-txns 6" in out and "aborted-txns 2" in out, "transactions: " + out)
    injected = [p.injected for p in plans]
    check(all(n >= 1 for n in injected), "faults injected (EndTxn cuts, Produce cuts, AddPartitions delays): %s of %s "
          "requests" % (injected, [p.seen for p in plans]))
    check(proxy.resent_produce_batches(), "no transactional batch was re-sent")
    want = collections.Counter("t%d-%d-commit" % (t, i) for t in (0, 1, 2, 4, 5, 6) for i in range(30))
    committed, _ = consume(server.bootstrap, "lossy", "read_committed")
    got = collections.Counter(v for *_, v in committed)
    check(got == want, "read_committed: %d records; missing %s; duplicated %s; unexpected %s" %
          (len(committed), sorted(set(want) - set(got))[:5], [v for v, c in got.items() if c > 1][:5],
           sorted(set(got) - set(want))[:5]))
    everything, _ = consume(server.bootstrap, "lossy", "read_uncommitted")
    check(len(everything) == 8 * 30, "read_uncommitted: %d records, want %d" % (len(everything), 8 * 30))
    return "faults %s" % [text for _, text in proxy.log]


def crash_with_open_transaction(server, proxy):
    b = server.bootstrap
    server.tide("topic", "create", "crash", "--partitions", "1")
    kcat_produce(b, "crash", ["before-%d" % i for i in range(3)])
    held = hold(b, "crash", "crash-producer", 4)
    try:
        server.kill9()
        server.start(kafka_port=server.kafka_port)
        kcat_produce(b, "crash", ["after-%d" % i for i in range(2)])
        committed, ends = consume(b, "crash", "read_committed")
        check([v for *_, v in committed] == ["before-%d" % i for i in range(3)] and ends == {0: 3},
              "read_committed after a crash with an open transaction: %s, end %s" %
              ([v for *_, v in committed], ends))
        finish_ok(held, "commit")
    finally:
        if held.poll() is None:
            held.kill()
    committed, _ = consume(b, "crash", "read_committed")
    want = ["before-%d" % i for i in range(3)] + ["held-%d" % i for i in range(4)] + ["after-0", "after-1"]
    check([v for *_, v in committed] == want, "read_committed after the commit: %s" % [v for *_, v in committed])


def main():
    # Clients are sent back through the proxy (Metadata, FindCoordinator); it only injects
    # faults while lost_responses() runs.
    proxy_port = free_port()
    server = TideServer(extra_args=["--set", "kafka.advertised.listener=127.0.0.1:%d" % proxy_port]).start()
    proxy = KafkaProxy(server.bootstrap, listen_port=proxy_port)
    try:
        started = time.time()
        for step in (commit_and_abort, transform_with_offsets, open_transaction_blocks_lso, fencing, lost_responses,
                     crash_with_open_transaction):
            t = time.time()
            detail = step(server, proxy)
            print("ok %s (%.1fs)%s" % (step.__name__, time.time() - t, ": " + detail if detail else ""))
        proxy.close()
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_transactions (%.1fs)" % (time.time() - started))
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        proxy.close()
        server.kill()


if __name__ == "__main__":
    main()
