"""kafka-python against tide server: a consumer group of 3 members shares 6 partitions; when
one leaves, its partitions move to the others and consumption resumes from the committed
offsets with nothing lost; committed offsets survive a broker restart."""
import collections
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from tide_server import TideServer, check  # noqa: E402

from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.admin import KafkaAdminClient, NewTopic  # noqa: E402

TOPIC = "clicks"
GROUP = "analytics"


def produce(bootstrap, start, count):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    for i in range(start, start + count):
        producer.send(TOPIC, key=b"user-%d" % (i % 97), value=b"%d" % i)
    producer.flush()
    producer.close()


def new_consumer(bootstrap, name):
    return KafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id=GROUP, client_id=name,
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         session_timeout_ms=6000, heartbeat_interval_ms=500, max_poll_records=50,
                         consumer_timeout_ms=200)


class Member(threading.Thread):
    """Polls and commits after each batch, recording what it saw."""

    def __init__(self, bootstrap, name, seen):
        super().__init__(daemon=True)
        self.consumer = new_consumer(bootstrap, name)
        self.name = name
        self.seen = seen
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        while not self.stop_flag.is_set():
            batch = self.consumer.poll(timeout_ms=200)
            for tp, records in batch.items():
                for r in records:
                    self.seen.append((self.name, r.partition, r.offset, int(r.value)))
            if batch:
                self.consumer.commit()
        self.consumer.close()  # leaves the group

    def assignment(self):
        return sorted(tp.partition for tp in self.consumer.assignment())


def wait_for(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def main():
    server = TideServer().start()
    b = server.bootstrap
    try:
        admin = KafkaAdminClient(bootstrap_servers=b)
        admin.create_topics([NewTopic(TOPIC, num_partitions=6, replication_factor=1)])
        admin.close()
        produce(b, 0, 3000)

        seen = []
        members = [Member(b, "member-%d" % i, seen) for i in range(3)]
        for m in members:
            m.start()
        wait_for(lambda: sorted(p for m in members for p in m.assignment()) == list(range(6)) and
                 all(len(m.assignment()) == 2 for m in members), "3 members with 2 partitions each")
        wait_for(lambda: len(seen) >= 3000, "the first 3000 records")

        # One member leaves: its partitions move to the other two, and records produced now are
        # read from the committed offsets.
        leaver = members[0]
        leaver.stop_flag.set()
        leaver.join(10)
        produce(b, 3000, 3000)
        wait_for(lambda: sorted(p for m in members[1:] for p in m.assignment()) == list(range(6)),
                 "the 2 remaining members to own all 6 partitions")
        wait_for(lambda: len({v for (_, _, _, v) in seen}) >= 6000, "all 6000 records")
        for m in members[1:]:
            m.stop_flag.set()
            m.join(10)

        values = collections.Counter(v for (_, _, _, v) in seen)
        check(set(values) == set(range(6000)), "records lost: %d of 6000 seen" % len(values))
        # Partition assignment moved, offsets did not rewind: a record may be redelivered only
        # if its batch was read but not committed when the member left, which close() prevents.
        dups = [v for v, n in values.items() if n > 1]
        check(not dups, "records delivered twice after the rebalance: %s" % dups[:10])

        # Committed offsets survive a broker restart.
        probe = new_consumer(b, "probe")
        committed = {p: probe.committed(TopicPartition(TOPIC, p)) for p in range(6)}
        probe.close()
        check(sum(committed.values()) == 6000, "committed offsets %s do not add up to 6000" % committed)
        check(server.stop() == 0, "unclean stop")
        server.start(kafka_port=server.kafka_port)
        probe = new_consumer(b, "probe")
        after = {p: probe.committed(TopicPartition(TOPIC, p)) for p in range(6)}
        probe.close()
        check(after == committed, "committed offsets changed across restart: %s vs %s" % (committed, after))

        # A member of the restarted group resumes from the commits: it sees only new records.
        produce(b, 6000, 60)
        late = []
        m = Member(b, "late", late)
        m.start()
        wait_for(lambda: len(late) >= 60, "the 60 records produced after the restart")
        m.stop_flag.set()
        m.join(10)
        check(sorted(v for (_, _, _, v) in late) == list(range(6000, 6060)), "resumed consumer read old records")
        check(server.stop() == 0, "unclean stop")
        print("PASS test_kafka_python_group")
    except Exception:
        print(server.tail(), file=sys.stderr)
        raise
    finally:
        server.kill()


if __name__ == "__main__":
    main()
