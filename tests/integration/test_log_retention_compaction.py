"""Retention and compaction of tide server's log, seen through clients we did not write
(kafka-python, kcat) and through the segment files on disk:

- time retention: old-timestamped records roll many 4 KiB segments; once retention.ms is set
  (tide topic alter), exactly the segments holding only expired records are deleted from
  <data_dir>/log/T-0/, the earliest offset moves to the first kept segment, and every recent
  record is still readable at its offset;
- size retention: retention.bytes trims the oldest segments the way Kafka does (the partition
  stays at least retention.bytes, and dropping one more segment would take it below);
- compaction: many updates of a small key set plus tombstones (kcat -Z); each key keeps only
  its latest value at its original offset, tombstones survive one compaction and disappear after
  delete.retention.ms, a fetch from a removed offset lands on the next survivor, and the
  compacted log survives a restart unchanged.
"""
import os
import subprocess
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

sys.path.insert(0, os.path.dirname(__file__))
from tide_server import TideServer, check  # noqa: E402

SEGMENT_BYTES = 4096


def kcat(*args, input=None):
    res = subprocess.run(["kcat"] + list(args), input=input, capture_output=True, timeout=60)
    if res.returncode != 0:
        raise RuntimeError("kcat %s: %s" % (" ".join(args), res.stderr.decode()))
    return res.stdout


def segment_files(server, topic, partition=0):
    """{base offset: size} of the .log files of a partition, plus every file name there."""
    d = os.path.join(server.data_dir, "log", "%s-%d" % (topic, partition))
    names = sorted(os.listdir(d))
    logs = {int(n[:-4]): os.path.getsize(os.path.join(d, n)) for n in names if n.endswith(".log")}
    return logs, names


def describe_offsets(server, topic):
    """(start, end) of partition 0 as `tide topic describe` prints them."""
    out = server.tide("topic", "describe", topic)
    for line in out.splitlines():
        fields = line.split()
        if fields and fields[0] == "0":
            return int(fields[2]), int(fields[3])
    raise AssertionError("no partition 0 in describe output:\n" + out)


def consume_all(bootstrap, topic, start, end):
    """(offset, key, value) of partition 0 from `start` up to `end`, with kafka-python."""
    tp = TopicPartition(topic, 0)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000,
                             auto_offset_reset="earliest")
    try:
        consumer.assign([tp])
        check(consumer.beginning_offsets([tp])[tp] == start,
              "kafka-python earliest offset %s, describe says %d" % (consumer.beginning_offsets([tp]), start))
        check(consumer.end_offsets([tp])[tp] == end, "kafka-python latest offset differs from describe")
        consumer.seek(tp, start)
        out = []
        for msg in consumer:
            out.append((msg.offset, msg.key, msg.value))
            if msg.offset + 1 >= end:
                break
        return out
    finally:
        consumer.close()


def wait_for(what, fn, timeout=15):
    deadline = time.time() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out after %ds waiting for %s" % (timeout, what))
        time.sleep(0.2)


def time_retention(server):
    topic = "ret-time"
    # No retention yet: the segments pile up and can be counted first.
    server.tide("topic", "create", topic, "--config", "segment.bytes=%d" % SEGMENT_BYTES,
                "--config", "retention.ms=-1")
    producer = KafkaProducer(bootstrap_servers=server.bootstrap, acks="all", batch_size=1024, linger_ms=0)
    now_ms = int(time.time() * 1000)
    old, new = 400, 200
    futures = []
    for i in range(old + new):
        ts = now_ms - 3600_000 if i < old else now_ms  # the first 400 are an hour old
        futures.append(producer.send(topic, key=b"k%d" % i, value=b"record-%06d-" % i + b"x" * 80,
                                     timestamp_ms=ts, partition=0))
    producer.flush()
    offsets = [f.get(timeout=10).offset for f in futures]
    producer.close()
    check(offsets == list(range(old + new)), "produce offsets are not 0..%d" % (old + new - 1))

    before, _ = segment_files(server, topic)
    check(len(before) >= 10, "only %d segments for %d records with segment.bytes=%d" % (len(before), old + new,
                                                                                       SEGMENT_BYTES))
    check(all(size <= SEGMENT_BYTES for size in before.values()), "a segment exceeds segment.bytes: %s" % before)
    check(describe_offsets(server, topic) == (0, old + new), "offsets before retention")

    # The first kept segment is the one holding the first recent record (offset `old`).
    expected_start = max(b for b in before if b <= old)
    check(expected_start > 0, "test setup: no segment holds only old records")
    server.tide("topic", "alter", topic, "--config", "retention.ms=60000")
    t0 = time.time()
    wait_for("time retention", lambda: describe_offsets(server, topic)[0] > 0)
    took = time.time() - t0
    start, end = describe_offsets(server, topic)
    check((start, end) == (expected_start, old + new),
          "after retention start/end %d/%d, want %d/%d" % (start, end, expected_start, old + new))

    after, names = segment_files(server, topic)
    check(sorted(after) == sorted(b for b in before if b >= expected_start),
          "segments after retention %s, want those of %s from %d" % (sorted(after), sorted(before), expected_start))
    for b in before:
        if b < expected_start:
            stem = "%020d" % b
            check(not any(n.startswith(stem) for n in names), "files of deleted segment %s remain: %s" % (stem, names))

    records = consume_all(server.bootstrap, topic, start, end)
    check([r[0] for r in records] == list(range(start, end)), "offsets read after retention are not dense")
    for off, key, value in records:
        check(key == b"k%d" % off and value.startswith(b"record-%06d-" % off), "offset %d holds %r" % (off, value))
    print("  time retention: %d -> %d segments, earliest offset 0 -> %d in %.1fs" % (len(before), len(after), start,
                                                                                       took))
    return start, end


def size_retention(server):
    topic = "ret-bytes"
    limit = 16384
    server.tide("topic", "create", topic, "--config", "segment.bytes=%d" % SEGMENT_BYTES,
                "--config", "retention.ms=-1", "--config", "retention.bytes=%d" % limit)
    n = 500
    lines = "".join("k%d:value-%06d-%s\n" % (i, i, "y" * 60) for i in range(n))
    kcat("-P", "-b", server.bootstrap, "-t", topic, "-p", "0", "-K:", "-X", "batch.num.messages=10",
         "-X", "enable.idempotence=true", input=lines.encode())
    check(describe_offsets(server, topic)[1] == n, "end offset after producing %d" % n)

    def trimmed():
        logs, _ = segment_files(server, topic)
        total = sum(logs.values())
        first = logs[min(logs)]
        return total - first < limit and describe_offsets(server, topic)[0] > 0

    t0 = time.time()
    wait_for("size retention", trimmed)
    took = time.time() - t0
    logs, _ = segment_files(server, topic)
    total = sum(logs.values())
    check(total >= limit, "retention.bytes=%d deleted too much: %d bytes left" % (limit, total))
    start, end = describe_offsets(server, topic)
    check(start == min(logs), "earliest offset %d is not the first segment's base %d" % (start, min(logs)))
    check(end == n, "end offset %d after size retention" % end)
    out = kcat("-C", "-b", server.bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q",
               "-f", "%o\t%k\t%s\n").decode().splitlines()
    check(len(out) == n - start, "kcat read %d records from %d, want %d" % (len(out), start, n - start))
    for expect, line in enumerate(out, start):
        off, key, value = line.split("\t")
        check(int(off) == expect and key == "k%d" % expect and value.startswith("value-%06d-" % expect),
              "record at offset %d: %r" % (expect, line))
    print("  size retention: %d bytes in %d segments kept (limit %d), earliest offset %d in %.1fs" %
          (total, len(logs), limit, start, took))
    return start, end


def read_compacted(server, topic):
    out = kcat("-C", "-b", server.bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q", "-Z",
               "-f", "%o\t%k\t%S\t%s\n").decode().splitlines()
    records = []
    for line in out:
        off, key, length, value = line.split("\t")
        records.append((int(off), key, None if int(length) < 0 else value))
    return records


def compaction(server):
    topic = "compacted"
    delete_retention_ms = 6000
    server.tide("topic", "create", topic, "--config", "cleanup.policy=compact",
                "--config", "segment.bytes=2048", "--config", "min.compaction.lag.ms=0",
                "--config", "delete.retention.ms=%d" % delete_retention_ms)
    keys, rounds, tombstoned, fillers = 20, 40, 5, 200
    lines = []
    for r in range(rounds):
        for k in range(keys):
            lines.append(("key%02d" % k, "key%02d-v%02d" % (k, r)))
    for k in range(tombstoned):
        lines.append(("key%02d" % k, ""))  # kcat -Z: an empty value is sent as NULL
    # Unique keys after the last update, so the segments with updates and tombstones are closed.
    for i in range(fillers):
        lines.append(("filler%03d" % i, "f%03d" % i))
    produced = len(lines)
    # Idempotence keeps kcat's order, so input line i is offset i.
    kcat("-P", "-b", server.bootstrap, "-t", topic, "-p", "0", "-K:", "-Z", "-X", "batch.num.messages=20",
         "-X", "enable.idempotence=true", input="".join("%s:%s\n" % kv for kv in lines).encode())
    t_tombstones = time.time()
    latest = {}
    for off, (k, v) in enumerate(lines):
        latest[k] = (off, v or None)

    # The first compaction leaves each updated key once; the tombstones are still there.
    def first_pass():
        recs = read_compacted(server, topic)
        live = [r for r in recs if not r[1].startswith("filler")]
        counts = {}
        for _, k, _ in live:
            counts[k] = counts.get(k, 0) + 1
        done = all(counts.get("key%02d" % k) == 1 for k in range(tombstoned, keys))
        return recs if done else None

    recs = wait_for("first compaction", first_pass)
    elapsed_ms = (time.time() - t_tombstones) * 1000
    check(elapsed_ms < delete_retention_ms - 1000,
          "first compaction took %.0f ms: too late to see tombstones before delete.retention.ms" % elapsed_ms)
    check(len(recs) < produced, "compaction removed nothing")
    by_key = {}
    for off, k, v in recs:
        check(k not in by_key, "key %s appears twice after compaction (offsets %d, %d)" % (k, by_key.get(k, (0,))[0],
                                                                                          off))
        by_key[k] = (off, v)
    for k in range(keys):
        name = "key%02d" % k
        check(by_key.get(name) == latest[name], "key %s after compaction: %s, want %s" % (name, by_key.get(name),
                                                                                          latest[name]))
    tombstones_seen = sum(1 for k in range(tombstoned) if by_key["key%02d" % k][1] is None)
    check(tombstones_seen == tombstoned, "tombstones gone before delete.retention.ms")

    # Tombstones go once delete.retention.ms has passed.
    def tombstones_gone():
        recs = read_compacted(server, topic)
        return recs if not any(k in ("key%02d" % t for t in range(tombstoned)) for _, k, _ in recs) else None

    recs = wait_for("tombstone removal", tombstones_gone, timeout=delete_retention_ms / 1000 + 10)
    expected = sorted((off, k, v) for k, (off, v) in latest.items() if v is not None)
    check(recs == expected, "compacted log differs from the latest value per key:\n%s\nwant\n%s" %
          (recs[:30], expected[:30]))
    check(describe_offsets(server, topic)[1] == produced, "end offset moved by compaction")

    # A fetch from a removed offset returns the next survivor (offset 0 was overwritten by round 1).
    first = kcat("-C", "-b", server.bootstrap, "-t", topic, "-p", "0", "-o", "0", "-c", "1", "-q",
                 "-f", "%o\n").decode().split()
    check(first == [str(expected[0][0])], "fetch from offset 0 gave %s, want %d" % (first, expected[0][0]))
    _, names = segment_files(server, topic)
    check(not [n for n in names if n.endswith(".cleaned") or n.endswith(".swap")], "cleaner leftovers: %s" % names)

    # The compacted segments survive a restart as they are.
    check(server.stop() == 0, "unclean stop")
    server.start(kafka_port=server.kafka_port)
    check(read_compacted(server, topic) == expected, "compacted log differs after restart")
    print("  compaction: %d records -> %d (%d keys, %d tombstones removed), offsets kept" %
          (produced, len(expected), keys, tombstoned))


def main():
    t0 = time.time()
    server = TideServer(extra_args=["--set", "kafka.log.retention.check.interval.ms=200"]).start()
    try:
        kept = {"ret-time": time_retention(server), "ret-bytes": size_retention(server)}
        compaction(server)  # restarts the server
        for topic, offsets in kept.items():
            check(describe_offsets(server, topic) == offsets, "%s: offsets %s after restart, want %s" %
                  (topic, describe_offsets(server, topic), offsets))
        check(server.stop() == 0, "unclean stop")
        print("PASS test_log_retention_compaction in %.1fs" % (time.time() - t0))
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        server.kill()


if __name__ == "__main__":
    main()
