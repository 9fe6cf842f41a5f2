import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTopicsStub, CreateTopicsStub } from './create-topics.stub';
import { paths } from './workspace.paths';

/**
 * create-topics.sh's client config, read back by Kafka's own client classes: the jars are
 * those `npm run infra -- up` fetched for the local broker.
 */
describe('create-topics.sh', () => {
  let stub: CreateTopicsStub;
  const run = (env: Record<string, string>) => stub.run(env);

  beforeAll(() => (stub = createTopicsStub()));
  afterAll(() => stub.remove());

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
    const config = readFileSync(join(stub.dir, 'client.properties'), 'utf8');
    expect(config).toContain('security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n');

    // Parse it with Java's Properties and kafka-clients' JAAS parser, from the local Kafka's jars.
    const jars = (existsSync(paths.infraCache) ? readdirSync(paths.infraCache) : [])
      .filter((d) => d.startsWith('kafka-'))
      .map((d) => join(paths.infraCache, d));
    if (jars.length === 0) throw new Error("Kafka's jars are missing: run `npm run infra -- up` once");
    writeFileSync(
      join(stub.dir, 'ReadClientConfig.java'),
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
    const java = spawnSync('java', ['-cp', `${jars[0]}/*`, join(stub.dir, 'ReadClientConfig.java'), join(stub.dir, 'client.properties')], {
      encoding: 'utf8',
    });
    expect(java.stderr).toBe('');
    expect(java.stdout.split('\n').slice(0, 3)).toEqual(['org.apache.kafka.common.security.scram.ScramLoginModule', 'orderflow', password]);
  }, 60_000);
});
