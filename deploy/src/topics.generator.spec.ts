import { allTopics } from '@orderflow/contracts';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generatedFiles, renderCreateTopicsScript } from './topics.generator';
import { paths, ROOT } from './workspace.paths';

describe('the deployment copies of the topic registry', () => {
  it.each(generatedFiles().map((f) => [relative(ROOT, f.path), f.content]))(
    '%s is up to date (else: npx nx run deploy:generate-topics)',
    (path, content) => {
      expect(readFileSync(join(ROOT, path), 'utf8')).toBe(content);
    },
  );
});

/**
 * The script runs under POSIX sh with a stand-in for kafka-topics.sh that records its calls
 * and the client config it was given, and lists the topics named in $STUB_EXISTING.
 */
describe('create-topics.sh', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'create-topics-'));
    writeFileSync(join(dir, 'create-topics.sh'), renderCreateTopicsScript());
    writeFileSync(
      join(dir, 'kafka-topics'),
      `#!/bin/sh
echo "$*" >> "$STUB_DIR/calls"
prev=
for arg in "$@"; do
  [ "$prev" = --command-config ] && cp "$arg" "$STUB_DIR/client.properties"
  prev=$arg
done
case " $* " in *" --list "*) [ -n "\${STUB_LIST_FAILS:-}" ] && exit 3; printf '%s\\n' $STUB_EXISTING ;; esac
exit 0
`,
    );
    chmodSync(join(dir, 'kafka-topics'), 0o755);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string>) {
    rmSync(join(dir, 'calls'), { force: true });
    const result = spawnSync('sh', [join(dir, 'create-topics.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        STUB_DIR: dir,
        KAFKA_TOPICS_CMD: join(dir, 'kafka-topics'),
        ...env,
      },
    });
    const calls = existsSync(join(dir, 'calls'))
      ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n')
      : [];
    return { ...result, calls, creates: calls.filter((c) => c.includes('--create')) };
  }

  it('creates every missing topic with the registry partitions, and only those', () => {
    const [present, ...missing] = allTopics();
    const result = run({ KAFKA_BROKERS: 'k1:9092,k2:9092', STUB_EXISTING: present.name });
    expect(result.status).toBe(0);
    expect(result.calls[0]).toMatch(/^--bootstrap-server k1:9092,k2:9092 --command-config \S+ --list$/);
    expect(result.creates).toEqual(
      missing.map((t) =>
        expect.stringMatching(
          new RegExp(
            `--create --if-not-exists --topic ${t.name.replace(/\./g, '\\.')} --partitions ${t.partitions}$`,
          ),
        ),
      ),
    );
    expect(readFileSync(join(dir, 'client.properties'), 'utf8')).toBe('security.protocol=PLAINTEXT\n');
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

  it("gives kafka-topics the services' SASL/TLS settings, as Kafka's own client reads them", () => {
    const password = 'p"a\\ss w=rd;';
    const result = run({
      KAFKA_BROKERS: 'k:9096',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'orderflow',
      KAFKA_SASL_PASSWORD: password,
      STUB_EXISTING: '',
    });
    expect(result.status).toBe(0);
    const config = readFileSync(join(dir, 'client.properties'), 'utf8');
    expect(config).toContain('security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n');

    // Parse it with Java's Properties and kafka-clients' JAAS parser, from the local Kafka's jars.
    const jars = (existsSync(paths.infraCache) ? readdirSync(paths.infraCache) : [])
      .filter((d) => d.startsWith('kafka-'))
      .map((d) => join(paths.infraCache, d));
    if (jars.length === 0) throw new Error("Kafka's jars are missing: run `npm run infra -- up` once");
    writeFileSync(
      join(dir, 'ReadClientConfig.java'),
      `import java.io.FileInputStream;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;

public class ReadClientConfig {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) { props.load(in); }
    var entry = JaasContext.loadClientContext(
        Map.of("sasl.jaas.config", new Password(props.getProperty("sasl.jaas.config")))).configurationEntries().get(0);
    System.out.println(entry.getLoginModuleName());
    System.out.println(entry.getOptions().get("username"));
    System.out.println(entry.getOptions().get("password"));
  }
}
`,
    );
    const java = spawnSync(
      'java',
      ['-cp', `${jars[0]}/*`, join(dir, 'ReadClientConfig.java'), join(dir, 'client.properties')],
      { encoding: 'utf8' },
    );
    expect(java.stderr).toBe('');
    expect(java.stdout.split('\n').slice(0, 3)).toEqual([
      'org.apache.kafka.common.security.scram.ScramLoginModule',
      'orderflow',
      password,
    ]);
  }, 60_000);
});
