import { allTopics, DEFAULT_SCOPE_NAMES, PARTITIONS } from '@orderflow/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { policyViolations } from './deployment.policy';
import { K8sObject, lint, render, RenderOptions, template } from './helm.cli';
import { schemaErrors } from './manifest.schema';
import { partitionCap, requiredEnv, SERVICES } from './service.catalog';
import { paths } from './workspace.paths';

const named = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const spec = <T>(object: K8sObject | undefined) => object?.['spec'] as T;

/** A deep copy with one object changed, to check the policy on renderings the chart itself refuses. */
function mutate(objects: K8sObject[], kind: string, name: string, change: (object: K8sObject) => void): K8sObject[] {
  const copy = structuredClone(objects);
  const target = named(copy, kind, name);
  if (!target) throw new Error(`no ${kind} ${name} rendered`);
  change(target);
  return copy;
}

interface PodSpec {
  containers: { name: string; env: { name: string }[]; resources: Record<string, unknown> }[];
  terminationGracePeriodSeconds: number;
}
interface NetworkValues {
  networkPolicy: { ingressControllers: unknown[]; extraIngressFrom: unknown[] };
}

const podOf = (deployment: K8sObject) => spec<{ template: { spec: PodSpec } }>(deployment).template.spec;

describe('the Helm chart deploy/helm/orderflow', () => {
  it('expects the variables the services require', () => {
    // Read from the config classes of runtime and the libs; this pins what the policy below enforces.
    expect(requiredEnv()).toEqual(['AUTH_AUDIENCE', 'AUTH_ISSUER', 'AUTH_JWKS_URL', 'KAFKA_BROKERS', 'MONGODB_URI', 'PORT']);
  });

  describe.each<[string, RenderOptions]>([
    ['default values', {}],
    ['production values (ci/production-values.yaml)', { values: [paths.productionValues] }],
  ])('with %s', (_, options) => {
    let objects: K8sObject[];

    beforeAll(() => {
      objects = render(options);
    });

    it('passes helm lint --strict', () => {
      const result = lint(options);
      expect({ status: result.status, output: result.stdout + result.stderr }).toMatchObject({ status: 0 });
    });

    it('renders only objects that are valid against the Kubernetes OpenAPI schemas', () => {
      expect(objects.length).toBeGreaterThan(20);
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });

    it('satisfies every deployment policy', () => {
      expect(policyViolations(objects)).toEqual([]);
    });

    it('runs each app with its Service, ConfigMap, PodDisruptionBudget and NetworkPolicy', () => {
      for (const service of SERVICES) {
        const name = `orderflow-${service.name}`;
        for (const kind of ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget', 'NetworkPolicy']) {
          expect(named(objects, kind, name)).toBeDefined();
        }
        const [container] = podOf(named(objects, 'Deployment', name) as K8sObject).containers;
        expect(container.name).toBe(service.name);
      }
    });

    it('creates the registry topics before install and upgrade, from the generated script', () => {
      const job = named(objects, 'Job', 'orderflow-topics');
      const script = named(objects, 'ConfigMap', 'orderflow-topics');
      for (const hook of [job, script]) {
        expect(hook?.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      }
      const rendered = (script?.['data'] as Record<string, string>)['create-topics.sh'];
      expect(rendered).toBe(readFileSync(join(paths.chart, 'files/create-topics.sh'), 'utf8'));
      for (const topic of allTopics()) {
        const partitions = topic.partitions === PARTITIONS ? `"\${TOPIC_PARTITIONS:-${topic.partitions}}"` : `${topic.partitions}`;
        expect(rendered).toContain(`ensure_topic ${topic.name} ${partitions}\n`);
      }
    });

    it('lets the ingress controller reach order-api only, and scrapers (if any) every service', () => {
      // The effective networkPolicy values: the chart's defaults, overridden by the values file.
      const values = [join(paths.chart, 'values.yaml'), ...(options.values ?? [])].map(
        (file) => (parse(readFileSync(file, 'utf8')) as NetworkValues).networkPolicy,
      );
      const pick = <K extends keyof NetworkValues['networkPolicy']>(key: K) =>
        values.reduce((found, v) => v?.[key] ?? found, values[0][key]);
      for (const service of SERVICES) {
        const policy = spec<{ ingress: { from: unknown[] }[] }>(named(objects, 'NetworkPolicy', `orderflow-${service.name}`));
        const expected = service.public ? [...pick('ingressControllers'), ...pick('extraIngressFrom')] : pick('extraIngressFrom');
        expect(policy.ingress.flatMap((rule) => rule.from)).toEqual(expected);
      }
      const ingresses = objects.filter((o) => o.kind === 'Ingress').map((o) => o.metadata.name);
      expect(ingresses).toEqual(options.values ? ['orderflow-order-api'] : []);
    });

    it('routes only the public API through the ingress: /health/* and /metrics stay in the cluster', () => {
      const ingress = named(objects, 'Ingress', 'orderflow-order-api');
      if (!options.values) return expect(ingress).toBeUndefined();
      const rules = spec<{ rules: { http: { paths: { path: string; pathType: string }[] } }[] }>(ingress).rules;
      expect(rules.flatMap((rule) => rule.http.paths.map(({ path, pathType }) => ({ path, pathType })))).toEqual([
        { path: '/orders', pathType: 'Prefix' },
      ]);
    });
  });

  describe('refuses values that break a rule', () => {
    let objects: K8sObject[];

    beforeAll(() => {
      objects = render({ values: [paths.productionValues] });
    });

    it('fails to render an autoscaler allowed more replicas than partitions', () => {
      const result = template({ set: ['services.order-api.autoscaling.maxReplicas=50'] });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`services.order-api.autoscaling.maxReplicas is 50, above ${partitionCap('order-api')}`);
    });

    it('takes the partition count from topics.partitions: the topics Job creates that many, and replicas may use them', () => {
      const objects = render({ set: ['topics.partitions=24', 'services.order-api.autoscaling.maxReplicas=20'] });
      const job = named(objects, 'Job', 'orderflow-topics');
      const env = spec<{ template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }>(job).template.spec
        .containers[0].env;
      expect(env?.find((e) => e.name === 'TOPIC_PARTITIONS')?.value).toBe('24');
      expect(policyViolations(objects)).toEqual([]);
      const above = template({ set: ['topics.partitions=24', 'services.order-api.autoscaling.maxReplicas=25'] });
      expect(above.status).not.toBe(0);
      expect(above.stderr).toContain('services.order-api.autoscaling.maxReplicas is 25, above 24');
      const odd = template({ set: ['topics.partitions=lots'] });
      expect(odd.status).not.toBe(0);
      expect(odd.stderr).toContain("'lots' does not match pattern");
    });

    it('fails to render fixed replicas above the partitions', () => {
      const result = template({
        set: ['services.points-service.autoscaling.enabled=false', 'services.points-service.replicas=7'],
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('services.points-service.replicas is 7');
    });

    it('gives each service the MongoDB user and Kafka principal of its own Secret, as the production values do', () => {
      const rendered = render({ values: [paths.productionValues], set: ['services.points-service.existingSecret=orderflow-points'] });
      const secretOf = (app: string, variable: string) =>
        (
          podOf(named(rendered, 'Deployment', `orderflow-${app}`) as K8sObject).containers[0].env as {
            name: string;
            valueFrom?: { secretKeyRef: { name: string } };
          }[]
        ).find((e) => e.name === variable)?.valueFrom?.secretKeyRef.name;
      for (const variable of ['MONGODB_URI', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']) {
        expect({ variable, secret: secretOf('points-service', variable) }).toEqual({ variable, secret: 'orderflow-points' });
        expect({ variable, secret: secretOf('order-api', variable) }).toEqual({ variable, secret: 'orderflow-order-api' });
      }
    });

    it('scales a consumer on its Kafka lag with KEDA instead of CPU, when asked, within the partitions', () => {
      const rendered = render({ values: [paths.productionValues], set: ['services.points-service.autoscaling.kafkaLag.enabled=true'] });
      expect(rendered.flatMap(schemaErrors)).toEqual([]);
      expect(policyViolations(rendered)).toEqual([]);
      expect(named(rendered, 'HorizontalPodAutoscaler', 'orderflow-points-service')).toBeUndefined();
      expect(named(rendered, 'HorizontalPodAutoscaler', 'orderflow-order-api')).toBeDefined();
      const scaled = spec<{
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[];
      }>(named(rendered, 'ScaledObject', 'orderflow-points-service'));
      expect(scaled.scaleTargetRef.name).toBe('orderflow-points-service');
      expect(scaled.maxReplicaCount).toBeLessThanOrEqual(partitionCap('points-service') as number);
      expect(scaled.triggers).toEqual([
        {
          type: 'kafka',
          metadata: expect.objectContaining({
            consumerGroup: 'orderflow.points-service',
            lagThreshold: '100',
            allowIdleConsumers: 'false',
          }),
          authenticationRef: { name: 'orderflow-points-service-kafka' },
        },
      ]);
      // With SASL on, KEDA reads the lag as the service's own principal.
      expect(named(rendered, 'TriggerAuthentication', 'orderflow-points-service-kafka')).toBeDefined();
    });

    it('refuses a ScaledObject its CRD would refuse', () => {
      const rendered = render({ values: [paths.productionValues], set: ['services.points-service.autoscaling.kafkaLag.enabled=true'] });
      const broken = mutate(rendered, 'ScaledObject', 'orderflow-points-service', (object) => {
        spec<{ maxReplicaCount: unknown }>(object).maxReplicaCount = 'six';
      });
      expect(broken.flatMap(schemaErrors)).toEqual([expect.stringContaining('ScaledObject orderflow-points-service')]);
    });

    it.each(['/', '/metrics', '/Health', '/health/ready'])(
      'fails to render an ingress path %s, which reaches an internal endpoint',
      (path) => {
        const result = template({ values: [paths.productionValues], set: [`ingress.paths={${path}}`] });
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain(`ingress.paths: ${path} would expose`);
      },
    );

    it('fails to render a broker list the services would refuse', () => {
      const result = template({ set: ['kafka.brokers=kafka'] });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('/kafka/brokers');
    });

    it('fails to render a JWKS URL over plain http, which the services refuse off loopback', () => {
      const result = template({ set: ['auth.jwksUrl=http://issuer.example.com/.well-known/jwks.json'] });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('/auth/jwksUrl');
    });

    it("refuses AUTH_JWKS_ALLOW_HTTP in a service's env, as it refuses AUTH_DISABLED", () => {
      const result = template({ set: ['services.order-api.env.AUTH_JWKS_ALLOW_HTTP=true'] });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('services.order-api.env.AUTH_JWKS_ALLOW_HTTP');
    });

    it('sets AUTH_REQUIRE_AT_JWT from auth.requireAccessTokenJwt: off by default, on when asked', () => {
      const configOf = (rendered: K8sObject[]) => named(rendered, 'ConfigMap', 'orderflow-order-api')?.['data'] as Record<string, string>;
      expect(configOf(objects)['AUTH_REQUIRE_AT_JWT']).toBe('false');
      const on = render({ values: [paths.productionValues], set: ['auth.requireAccessTokenJwt=true'] });
      expect(configOf(on)['AUTH_REQUIRE_AT_JWT']).toBe('true');
      expect(policyViolations(on)).toEqual([]);
    });

    it('reports a container without resource limits', () => {
      const broken = render({
        values: [paths.productionValues],
        set: ['services.order-api.resources.limits=null'],
      });
      expect(policyViolations(broken)).toEqual([
        'Deployment orderflow-order-api: container order-api has no cpu limits',
        'Deployment orderflow-order-api: container order-api has no memory limits',
      ]);
    });

    it('reports an autoscaler above the partitions even when the template check is bypassed', () => {
      const broken = mutate(objects, 'HorizontalPodAutoscaler', 'orderflow-inventory-service', (hpa) => {
        spec<{ maxReplicas: number }>(hpa).maxReplicas = 12;
      });
      expect(policyViolations(broken)).toEqual([
        'HorizontalPodAutoscaler orderflow-inventory-service: maxReplicas 12 is above 6, the partitions of the topics inventory-service consumes',
      ]);
    });

    it('reports a service missing a required variable', () => {
      const broken = mutate(objects, 'Deployment', 'orderflow-points-service', (deployment) => {
        const [container] = podOf(deployment).containers;
        container.env = container.env.filter((v) => v.name !== 'MONGODB_URI');
      });
      expect(policyViolations(broken)).toEqual(['Deployment orderflow-points-service: container points-service does not set MONGODB_URI']);
    });

    it('reports configuration the service itself would reject', () => {
      const broken = mutate(objects, 'ConfigMap', 'orderflow-order-api', (configMap) => {
        (configMap['data'] as Record<string, string>)['LOG_FORMAT'] = 'xml';
      });
      expect(policyViolations(broken)).toEqual(['Deployment orderflow-order-api: container order-api: LOG_FORMAT must be text or json']);
    });

    it('reports a grace period that would cut a clean shutdown short', () => {
      const broken = mutate(objects, 'Deployment', 'orderflow-order-api', (deployment) => {
        podOf(deployment).terminationGracePeriodSeconds = 20;
      });
      expect(policyViolations(broken)).toEqual([
        'Deployment orderflow-order-api: terminationGracePeriodSeconds 20 is not above preStop + SHUTDOWN_TIMEOUT_MS (30 s)',
      ]);
    });

    it('reports an ingress path that reaches /metrics or /health', () => {
      const broken = mutate(objects, 'Ingress', 'orderflow-order-api', (ingress) => {
        spec<{ rules: { http: { paths: { path: string }[] } }[] }>(ingress).rules[0].http.paths[0].path = '/';
      });
      expect(policyViolations(broken)).toEqual([
        'Ingress orderflow-order-api: path / reaches /metrics, /health/live, /health/ready, which are for the cluster only',
      ]);
    });

    it('reports an internal service exposed outside the cluster', () => {
      const broken = mutate(objects, 'Service', 'orderflow-inventory-service', (service) => {
        spec<{ type: string }>(service).type = 'LoadBalancer';
      });
      expect(policyViolations(broken)).toEqual([
        'Service orderflow-inventory-service: type LoadBalancer exposes it outside the cluster; use the Ingress',
      ]);
    });
  });
});

describe("the chart's defaults", () => {
  it('grant staff by the scope names the services default to', () => {
    const values = parse(readFileSync(join(paths.chart, 'values.yaml'), 'utf8')) as { auth: { scopes: Record<string, string> } };
    expect(values.auth.scopes).toEqual(DEFAULT_SCOPE_NAMES);
  });
});
