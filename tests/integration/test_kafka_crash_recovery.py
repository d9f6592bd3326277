"""kill -9 of tide server under an acks=all produce load (kafka-python), on a topic with
flush.messages=1, three times over: after each restart on the same data directory and port,
every record whose produce future succeeded is at the partition and offset it was acknowledged
with, exactly once; no record is there twice (the producer never retries, so a record is sent
once); offsets are dense per partition; the restarted server's log shows the log being
reopened. Then the tail of a stopped server's active segment is damaged twice, by appended
garbage and by a batch cut in half: the restart truncates exactly the damaged bytes with a
warning, serves every earlier record unchanged, and appends continue at the cut offset.
"""
import json
import os
import random
import struct
import sys
import threading
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

sys.path.insert(0, os.path.dirname(__file__))
from tide_server import TideServer, check  # noqa: E402

TOPIC = "crash"
PARTITIONS = 3
KILLS = 3


def value_of(rid):
    return b"rec-%08d-" % rid + b"p" * 40


class Load:
    """Sends numbered records until stopped; remembers which were acknowledged, and where."""

    def __init__(self, bootstrap, first_id):
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=0, linger_ms=1,
                                      batch_size=4096, request_timeout_ms=5000, max_block_ms=3000,
                                      reconnect_backoff_ms=50)
        self.next_id = first_id
        self.acked = {}   # id -> (partition, offset)
        self.failed = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            rid = self.next_id
            try:
                fut = self.producer.send(TOPIC, key=b"%d" % rid, value=value_of(rid))
            except Exception:  # the broker is gone (metadata wait timed out): nothing was sent
                break
            self.next_id += 1
            fut.add_callback(self.on_ack, rid)
            fut.add_errback(self.on_error, rid)
            if rid % 200 == 0:
                time.sleep(0.005)  # keep the in-flight volume moderate

    def on_ack(self, rid, meta):
        with self.lock:
            check(rid not in self.acked, "record %d acknowledged twice" % rid)
            self.acked[rid] = (meta.partition, meta.offset)

    def on_error(self, rid, _exc):
        with self.lock:
            self.failed.add(rid)

    def finish(self):
        self.stop.set()
        self.thread.join(timeout=10)
        self.producer.close(timeout=3)  # batches still unsent are aborted: not acknowledged


def read_all(bootstrap):
    """{partition: [(offset, key, value), ...]} of everything up to the end offsets."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000,
                             auto_offset_reset="earliest")
    try:
        tps = [TopicPartition(TOPIC, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        ends = consumer.end_offsets(tps)
        starts = consumer.beginning_offsets(tps)
        for tp in tps:
            check(starts[tp] == 0, "partition %d starts at %d" % (tp.partition, starts[tp]))
            consumer.seek(tp, 0)
        out = {p: [] for p in range(PARTITIONS)}
        remaining = sum(ends.values())
        deadline = time.time() + 30
        while remaining > 0 and time.time() < deadline:
            for tp, msgs in consumer.poll(timeout_ms=1000).items():
                for m in msgs:
                    if m.offset < ends[tp]:
                        out[tp.partition].append((m.offset, m.key, m.value))
                        remaining -= 1
        check(remaining == 0, "could not read up to the end offsets %s" % ends)
        return out
    finally:
        consumer.close()


def verify(records, acked, context):
    """Dense offsets, no id twice, every acknowledged id at its acknowledged place."""
    where = {}
    for p, recs in records.items():
        check([r[0] for r in recs] == list(range(len(recs))),
              "%s: partition %d offsets not dense from 0" % (context, p))
        for off, key, value in recs:
            rid = int(key)
            check(value == value_of(rid), "%s: record %d has value %r" % (context, rid, value[:20]))
            check(rid not in where, "%s: record %d stored twice: %s and %s" % (context, rid, where.get(rid),
                                                                                (p, off)))
            where[rid] = (p, off)
    lost = [rid for rid, place in acked.items() if where.get(rid) != place]
    check(not lost, "%s: %d acknowledged records missing or moved, e.g. %s" %
          (context, len(lost), [(rid, acked[rid], where.get(rid)) for rid in sorted(lost)[:5]]))
    return where


def log_lines_since(server, pos):
    with open(server.log_path, "rb") as f:
        f.seek(pos)
        lines = []
        for raw in f.read().decode(errors="replace").splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"msg": raw})
        return lines


def log_size(server):
    try:
        return os.path.getsize(server.log_path)
    except OSError:
        return 0


def restart(server, after_crash=True):
    """Starts the server on its data dir and port; returns its new log lines once it listens.
    After a crash the server must say it recovered from an unclean shutdown."""
    pos = log_size(server)
    t0 = time.time()
    server.start(kafka_port=server.kafka_port)
    took = time.time() - t0
    lines = log_lines_since(server, pos)
    want = "opened after an unclean shutdown: logs recovered" if after_crash else "opened after a clean shutdown"
    opened = [line for line in lines if line.get("msg") == want]
    check(opened and opened[0].get("topics", 0) >= 1, "restart log lacks %r: %s" % (want, lines))
    errors = [line for line in lines if line.get("level") == "error"]
    check(not errors, "errors while restarting: %s" % errors)
    return lines, took


def partition_dir(server, p):
    return os.path.join(server.data_dir, "log", "%s-%d" % (TOPIC, p))


def active_segment(server, p):
    d = partition_dir(server, p)
    return os.path.join(d, max(n for n in os.listdir(d) if n.endswith(".log")))


def batches(path):
    """(position, base offset, size) of each batch in a segment file."""
    with open(path, "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos + 12 <= len(data):
        base, length = struct.unpack(">qi", data[pos:pos + 12])
        out.append((pos, base, 12 + length))
        pos += 12 + length
    check(pos == len(data), "%s: batches do not end at the end of the file" % path)
    return out


def warnings_about(lines, needle):
    return [line for line in lines if line.get("level") in ("warn", "warning") and needle in json.dumps(line)]


def main():
    t_start = time.time()
    server = TideServer()
    seed = int(os.environ.get("TIDE_TEST_SEED", int(time.time())))
    print("  seed %d (TIDE_TEST_SEED repeats the kill timing and the garbage)" % seed)
    rng = random.Random(seed)
    try:
        server.start()
        server.tide("topic", "create", TOPIC, "--partitions", str(PARTITIONS), "--config", "flush.messages=1",
                    "--config", "segment.bytes=65536")
        acked, next_id, sent = {}, 0, 0
        for kill in range(1, KILLS + 1):
            load = Load(server.bootstrap, next_id)
            load.thread.start()
            # Kill once the load is well under way, at a random moment.
            deadline = time.time() + 10
            while len(load.acked) < 500 and time.time() < deadline:
                time.sleep(0.01)
            check(len(load.acked) >= 500, "cycle %d: the producer got no acknowledgements" % kill)
            time.sleep(rng.uniform(0.1, 0.6))
            server.kill9()
            load.finish()
            acked_here = dict(load.acked)
            unacked = load.next_id - next_id - len(acked_here)
            check(not (set(acked_here) & set(acked)), "an id was reused")
            acked.update(acked_here)
            sent += load.next_id - next_id
            next_id = load.next_id

            lines, took = restart(server)
            records = read_all(server.bootstrap)
            where = verify(records, acked, "after kill %d" % kill)
            stored = sum(len(r) for r in records.values())
            print("  kill %d: %d sent this round, %d acknowledged, %d not; in all %d acknowledged, %d stored; "
                  "restart %.2fs, %d recovery warnings" % (kill, len(acked_here) + unacked, len(acked_here), unacked,
                                                           len(acked), stored, took,
                                                           len(warnings_about(lines, TOPIC))))
            check(len(where) >= len(acked), "fewer records stored than acknowledged")

        # A damaged tail: garbage appended to partition 0's active segment of a stopped server.
        before = read_all(server.bootstrap)
        check(server.stop() == 0, "unclean stop")
        seg0 = active_segment(server, 0)
        size0 = os.path.getsize(seg0)
        garbage = bytes(rng.randrange(256) for _ in range(100))
        with open(seg0, "ab") as f:
            f.write(garbage)
        lines, _ = restart(server, after_crash=False)
        warned = warnings_about(lines, "truncated 100 bytes")
        check(warned and os.path.basename(seg0) in json.dumps(warned[0]),
              "no truncation warning for %s: %s" % (seg0, lines))
        check(os.path.getsize(seg0) == size0, "%s is %d bytes after recovery, want %d" %
              (seg0, os.path.getsize(seg0), size0))
        check(read_all(server.bootstrap) == before, "records differ after truncating appended garbage")

        # A torn batch: partition 1's last batch cut in half.
        check(server.stop() == 0, "unclean stop")
        seg1 = active_segment(server, 1)
        pos, base, size = batches(seg1)[-1]
        cut = size // 2
        with open(seg1, "r+b") as f:
            f.truncate(pos + size - cut)
        lines, _ = restart(server, after_crash=False)
        warned = warnings_about(lines, "truncated %d bytes" % (size - cut))
        check(warned and os.path.basename(seg1) in json.dumps(warned[0]),
              "no warning truncating %d bytes of %s: %s" % (size - cut, seg1, lines))
        after = read_all(server.bootstrap)
        check(after[1] == [r for r in before[1] if r[0] < base], "partition 1 after the torn batch: %d records, "
              "want the %d before offset %d" % (len(after[1]), base, base))
        check(after[0] == before[0] and after[2] == before[2], "other partitions changed")
        # The log continues at the cut: the next record gets offset `base`.
        producer = KafkaProducer(bootstrap_servers=server.bootstrap, acks="all")
        meta = producer.send(TOPIC, key=b"%d" % next_id, value=value_of(next_id), partition=1).get(timeout=10)
        producer.close()
        check((meta.partition, meta.offset) == (1, base), "append after truncation went to %s" % ((meta.partition,
                                                                                                     meta.offset),))
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_crash_recovery: %d kills, %d acknowledged records kept, tail repair of %d garbage "
              "bytes and a %d-byte torn batch, in %.1fs" % (KILLS, len(acked), len(garbage), size - cut,
                                                            time.time() - t_start))
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        server.kill()


if __name__ == "__main__":
    main()
