import { allTopics } from '@orderflow/contracts';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTopicsStub, CreateTopicsStub } from './create-topics.stub';
import { generatedFiles } from './topics.generator';
import { ROOT } from './workspace.paths';

describe('the deployment copies of the topic registry', () => {
  it.each(generatedFiles().map((f) => [relative(ROOT, f.path), f.content]))(
    '%s is up to date (else: npx nx run deploy:generate-topics)',
    (path, content) => {
      expect(readFileSync(join(ROOT, path), 'utf8')).toBe(content);
    },
  );
});

/**
 * create-topics.sh against a stand-in for kafka-topics.sh (create-topics.stub.ts). Its SASL
 * config read back by Kafka's own client is in topics.generator.integration.spec.ts: that
 * needs the broker's jars, which `npm run infra -- up` fetches.
 */
describe('create-topics.sh', () => {
  let stub: CreateTopicsStub;
  const run = (env: Record<string, string>) => stub.run(env);

  beforeAll(() => (stub = createTopicsStub()));
  afterAll(() => stub.remove());

  it('creates every missing topic with the registry partitions, and only those', () => {
    const [present, ...missing] = allTopics();
    const result = run({ KAFKA_BROKERS: 'k1:9092,k2:9092', STUB_EXISTING: present.name });
    expect(result.status).toBe(0);
    expect(result.calls[0]).toMatch(/^--bootstrap-server k1:9092,k2:9092 --command-config \S+ --list$/);
    expect(result.creates).toEqual(
      missing.map((t) =>
        expect.stringMatching(new RegExp(`--create --if-not-exists --topic ${t.name.replace(/\./g, '\\.')} --partitions ${t.partitions}$`)),
      ),
    );
    expect(readFileSync(join(stub.dir, 'client.properties'), 'utf8')).toBe('security.protocol=PLAINTEXT\n');
  });

  it('creates nothing when every topic exists, and passes the replication factor when set', () => {
    const names = allTopics().map((t) => t.name);
    expect(run({ KAFKA_BROKERS: 'k:9092', STUB_EXISTING: names.join(' ') }).creates).toEqual([]);
    const creates = run({
      KAFKA_BROKERS: 'k:9092',
      STUB_EXISTING: '',
      TOPIC_REPLICATION_FACTOR: '3',
    }).creates;
    expect(creates).toHaveLength(names.length);
    expect(creates.every((c) => c.endsWith('--replication-factor 3'))).toBe(true);
  });

  it('fails without KAFKA_BROKERS, on a bad setting, and when the broker cannot be listed', () => {
    expect(run({}).status).not.toBe(0);
    expect(run({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'gssapi' }).status).not.toBe(0);
    expect(run({ KAFKA_BROKERS: 'k:9092', KAFKA_SSL: 'yes' }).status).not.toBe(0);
    const unreachable = run({ KAFKA_BROKERS: 'k:9092', STUB_LIST_FAILS: '1' });
    expect(unreachable.status).not.toBe(0);
    expect(unreachable.creates).toEqual([]);
  });
});
