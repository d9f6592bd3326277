// kafkajs against tide server: admin create/describe topics, produce, consume in a group.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { TideServer } from './tide_server.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('../js/node_modules/kafkajs');

const server = await new TideServer().start();
try {
  const kafka = new Kafka({ clientId: 'tide-it', brokers: [server.bootstrap], logLevel: logLevel.NOTHING });

  // Admin: create, list, describe (metadata and configs).
  const admin = kafka.admin();
  await admin.connect();
  assert.equal(await admin.createTopics({
    topics: [{ topic: 'payments', numPartitions: 4, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
  }), true);
  assert.ok((await admin.listTopics()).includes('payments'));
  const meta = await admin.fetchTopicMetadata({ topics: ['payments'] });
  assert.equal(meta.topics[0].partitions.length, 4);
  const configs = await admin.describeConfigs({ resources: [{ type: 2, name: 'payments' }], includeSynonyms: false });
  const retention = configs.resources[0].configEntries.find((e) => e.configName === 'retention.ms');
  assert.equal(retention.configValue, '3600000');
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'payments' }], validateOnly: false }).then((ok) => {
    if (!ok) throw new Error('exists');
  }));

  // Produce 1 000 keyed records.
  const producer = kafka.producer();
  await producer.connect();
  const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 37}`, value: `v${i}`, headers: { n: `${i}` } }));
  for (let i = 0; i < messages.length; i += 100) {
    await producer.send({ topic: 'payments', acks: -1, messages: messages.slice(i, i + 100) });
  }
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets('payments');
  assert.equal(offsets.reduce((n, p) => n + Number(p.high), 0), 1000);

  // Consume in a group, then check the group's committed offsets.
  const consumer = kafka.consumer({ groupId: 'js-group', sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'payments', fromBeginning: true });
  const seen = new Map();
  const keyPartition = new Map();
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed only ${seen.size} of 1000`)), 30000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key.toString();
        if (keyPartition.has(key)) assert.equal(keyPartition.get(key), partition, `key ${key} moved partitions`);
        keyPartition.set(key, partition);
        assert.equal(message.headers.n.toString(), message.value.toString().slice(1));
        seen.set(message.value.toString(), (seen.get(message.value.toString()) ?? 0) + 1);
        if (seen.size === 1000) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.stop();
  await consumer.disconnect();
  assert.equal(seen.size, 1000);
  assert.ok([...seen.values()].every((n) => n === 1), 'a record was delivered twice');

  const committed = await admin.fetchOffsets({ groupId: 'js-group', topics: ['payments'] });
  assert.equal(committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0), 1000);
  const groups = await admin.listGroups();
  assert.ok(groups.groups.some((g) => g.groupId === 'js-group'));
  await admin.deleteTopics({ topics: ['payments'] });
  assert.ok(!(await admin.listTopics()).includes('payments'));
  await admin.disconnect();

  assert.equal(await server.stop(), 0, 'tide server did not stop cleanly');
  console.log('PASS test_kafkajs');
} catch (err) {
  console.error(server.tail());
  throw err;
} finally {
  server.cleanup();
}
