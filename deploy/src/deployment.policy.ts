import { RuntimeConfig } from '@orderflow/runtime';
import type { K8sObject } from './helm.cli';
import { envProblems, partitionCap, requiredEnv, ServiceName, SERVICES } from './service.catalog';

/**
 * Rules every rendering of the chart must satisfy, whatever the values. They read the
 * rendered objects only, so they also catch what a template check would miss (a value that
 * bypasses a `fail`, a new template that forgets a field). Each violation is one line naming
 * the object, e.g. `Deployment orderflow-order-api: container order-api has no livenessProbe`.
 */

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: unknown;
    resourceFieldRef?: unknown;
  };
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: unknown[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  securityContext?: SecurityContext;
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: SecurityContext;
    terminationGracePeriodSeconds?: number;
    automountServiceAccountToken?: boolean;
  };
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface NetworkPolicyPeer {
  ipBlock?: { cidr: string };
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}

const spec = <T>(object: K8sObject) => object['spec'] as T;
const id = (object: K8sObject) => `${object.kind} ${object.metadata.name}`;
const COMPONENT = 'app.kubernetes.io/component';

/** Only matchLabels selectors are understood; anything else is treated as not selecting. */
function selects(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector || selector.matchExpressions?.length) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/** Seconds of the `sleep N` preStop hook, 0 without one. */
function preStopSeconds(container: Container): number {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) || 0 : 0;
}

/** Hardening every container needs, Deployments and Jobs alike. */
function containerHardening(where: string, pod: PodTemplate['spec'], container: Container): string[] {
  const problems: string[] = [];
  const c = container.securityContext ?? {};
  const p = pod.securityContext ?? {};
  const name = `${where}: container ${container.name}`;
  for (const kind of ['limits', 'requests'] as const) {
    for (const resource of ['cpu', 'memory']) {
      if (container.resources?.[kind]?.[resource] === undefined) problems.push(`${name} has no ${resource} ${kind}`);
    }
  }
  if ((c.runAsNonRoot ?? p.runAsNonRoot) !== true) problems.push(`${name} is not runAsNonRoot`);
  if ((c.runAsUser ?? p.runAsUser) === 0) problems.push(`${name} runs as uid 0`);
  if (c.readOnlyRootFilesystem !== true) problems.push(`${name} has a writable root filesystem`);
  if (c.allowPrivilegeEscalation !== false) problems.push(`${name} allows privilege escalation`);
  if (c.privileged === true) problems.push(`${name} is privileged`);
  if (!c.capabilities?.drop?.includes('ALL')) problems.push(`${name} does not drop ALL capabilities`);
  if (c.capabilities?.add?.length) problems.push(`${name} adds capabilities ${c.capabilities.add.join(', ')}`);
  const seccomp = (c.seccompProfile ?? p.seccompProfile)?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${name} has no seccomp profile`);
  return problems;
}

/** The container's environment as far as the chart decides it: plain values, and where the rest comes from. */
function resolveEnv(container: Container, configMaps: Map<string, Record<string, string>>) {
  const values: Record<string, string> = {};
  const fromSecrets = new Set<string>();
  const problems: string[] = [];
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (variable.value !== undefined) {
      values[variable.name] = variable.value;
    } else if (from?.configMapKeyRef) {
      const data = configMaps.get(from.configMapKeyRef.name);
      const value = data?.[from.configMapKeyRef.key];
      if (value === undefined) {
        problems.push(`${variable.name} reads ${from.configMapKeyRef.name}/${from.configMapKeyRef.key}, which the chart does not render`);
      } else {
        values[variable.name] = value;
      }
    } else if (from?.secretKeyRef) {
      fromSecrets.add(variable.name);
    } else if (!from) {
      problems.push(`${variable.name} has neither value nor valueFrom`);
    }
  }
  return { values, fromSecrets, problems };
}

function deploymentRules(deployment: K8sObject, objects: K8sObject[], configMaps: Map<string, Record<string, string>>): string[] {
  const where = id(deployment);
  const template = spec<{ template: PodTemplate }>(deployment).template;
  const labels = template.metadata?.labels ?? {};
  const service = SERVICES.find((s) => s.name === labels[COMPONENT]);
  if (!service) return [`${where}: pod label ${COMPONENT}=${labels[COMPONENT]} is not one of the apps`];
  const problems: string[] = [];
  const pod = template.spec;
  if (pod.automountServiceAccountToken !== false) problems.push(`${where}: mounts a service account token it never uses`);

  for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
    problems.push(...containerHardening(where, pod, container));
  }
  for (const container of pod.containers) {
    const name = `${where}: container ${container.name}`;
    const httpPort = container.ports?.find((p) => p.containerPort === service.port);
    if (!httpPort) problems.push(`${name} does not expose port ${service.port}`);
    const probes = [
      ['livenessProbe', container.livenessProbe, '/health/live'],
      ['readinessProbe', container.readinessProbe, '/health/ready'],
    ] as const;
    for (const [kind, probe, path] of probes) {
      if (!probe) problems.push(`${name} has no ${kind}`);
      else if (probe.httpGet?.path !== path) problems.push(`${name} ${kind} does not GET ${path}`);
      else if (probe.httpGet.port !== httpPort?.name && probe.httpGet.port !== service.port) {
        problems.push(`${name} ${kind} probes another port than the service's`);
      }
    }

    const env = resolveEnv(container, configMaps);
    problems.push(...env.problems.map((p) => `${name}: ${p}`));
    for (const variable of requiredEnv()) {
      if (!(variable in env.values) && !env.fromSecrets.has(variable)) problems.push(`${name} does not set ${variable}`);
    }
    // The services' own validation, on the values the chart sets (a secret's value is not the
    // chart's to know; a missing variable is reported above).
    for (const problem of envProblems(env.values)) {
      if (problem.split(' ')[0] in env.values) problems.push(`${name}: ${problem}`);
    }
    if (env.values['PORT'] !== undefined && Number(env.values['PORT']) !== service.port) {
      problems.push(`${name} sets PORT ${env.values['PORT']}, not the container port ${service.port}`);
    }
    const shutdownMs = Number(env.values['SHUTDOWN_TIMEOUT_MS'] ?? new RuntimeConfig().SHUTDOWN_TIMEOUT_MS);
    const needed = preStopSeconds(container) + shutdownMs / 1000;
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace <= needed) {
      problems.push(`${where}: terminationGracePeriodSeconds ${grace} is not above preStop + SHUTDOWN_TIMEOUT_MS (${needed} s)`);
    }
  }

  const cap = partitionsOfRelease(objects) ?? partitionCap(service.name as ServiceName);
  const hpa = objects.find(
    (o) =>
      o.kind === 'HorizontalPodAutoscaler' &&
      spec<{ scaleTargetRef: { name: string } }>(o).scaleTargetRef.name === deployment.metadata.name,
  );
  const replicas = spec<{ replicas?: number }>(deployment).replicas ?? 1;
  if (!hpa && replicas > cap) problems.push(`${where}: ${replicas} replicas, above the ${cap} partitions its consumer group can use`);

  const covering = (kind: 'PodDisruptionBudget' | 'NetworkPolicy') =>
    objects.filter((o) => {
      if (o.kind !== kind) return false;
      const s = spec<{ selector?: LabelSelector; podSelector?: LabelSelector }>(o);
      return selects(kind === 'NetworkPolicy' ? s.podSelector : s.selector, labels);
    });
  if (covering('PodDisruptionBudget').length === 0) problems.push(`${where}: no PodDisruptionBudget selects its pods`);
  const policies = covering('NetworkPolicy').map((o) => spec<{ policyTypes?: string[] }>(o).policyTypes ?? []);
  for (const type of ['Ingress', 'Egress']) {
    if (!policies.some((types) => types.includes(type))) problems.push(`${where}: no NetworkPolicy restricts its ${type.toLowerCase()}`);
  }
  return problems;
}

/**
 * The partitions the release's topics Job creates the event topics with (its TOPIC_PARTITIONS,
 * from the chart's topics.partitions), when it overrides the topic registry's.
 */
function partitionsOfRelease(objects: K8sObject[]): number | undefined {
  for (const job of objects.filter((o) => o.kind === 'Job')) {
    const containers = spec<{ template: PodTemplate }>(job).template.spec.containers;
    const value = containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'TOPIC_PARTITIONS')?.value;
    if (value !== undefined) return Number(value);
  }
  return undefined;
}

function autoscalerRules(hpa: K8sObject, objects: K8sObject[]): string[] {
  const where = id(hpa);
  const s = spec<{
    scaleTargetRef: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
  }>(hpa);
  const target = objects.find((o) => o.kind === s.scaleTargetRef.kind && o.metadata.name === s.scaleTargetRef.name);
  if (!target) return [`${where}: scales ${s.scaleTargetRef.kind} ${s.scaleTargetRef.name}, which the chart does not render`];
  const component = spec<{ template: PodTemplate }>(target).template.metadata?.labels?.[COMPONENT];
  const service = SERVICES.find((x) => x.name === component);
  if (!service) return [`${where}: scales ${component}, which is not one of the apps`];
  const cap = partitionsOfRelease(objects) ?? partitionCap(service.name);
  const problems: string[] = [];
  if (s.maxReplicas > cap) {
    problems.push(`${where}: maxReplicas ${s.maxReplicas} is above ${cap}, the partitions of the topics ${service.name} consumes`);
  }
  if ((s.minReplicas ?? 1) > s.maxReplicas) problems.push(`${where}: minReplicas is above maxReplicas`);
  return problems;
}

function jobRules(job: K8sObject): string[] {
  const where = id(job);
  const s = spec<{ activeDeadlineSeconds?: number; backoffLimit?: number; template: PodTemplate }>(job);
  const problems = [...s.template.spec.containers, ...(s.template.spec.initContainers ?? [])].flatMap((c) =>
    containerHardening(where, s.template.spec, c),
  );
  // A Job has no probes; a deadline is what stops a stuck one from blocking the release.
  if (s.activeDeadlineSeconds === undefined) problems.push(`${where}: no activeDeadlineSeconds`);
  if (s.template.spec.automountServiceAccountToken !== false) problems.push(`${where}: mounts a service account token it never uses`);
  return problems;
}

/** What only the cluster may call: kubelet's probes and Prometheus (SPEC: metrics and readiness are internal). */
const INTERNAL_PATHS = ['/metrics', '/health/live', '/health/ready'];

/** An Ingress Prefix path matches whole segments; the services route without regard to case. */
function prefixReaches(path: string, endpoint: string): boolean {
  const prefix = path.toLowerCase().replace(/\/+$/, '');
  return endpoint === prefix || endpoint.startsWith(`${prefix}/`);
}

function exposureRules(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const publicNames = new Set(SERVICES.filter((s) => s.public).map((s) => s.name as string));
  const componentOf = (o: K8sObject) => o.metadata.labels?.[COMPONENT] ?? '';
  const services = new Map(objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, o]));

  for (const service of services.values()) {
    const type = spec<{ type?: string }>(service).type ?? 'ClusterIP';
    if (type !== 'ClusterIP') problems.push(`${id(service)}: type ${type} exposes it outside the cluster; use the Ingress`);
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const rules =
      spec<{ rules?: { http?: { paths: { path?: string; backend: { service?: { name: string } } }[] } }[] }>(ingress).rules ?? [];
    for (const backend of rules.flatMap((r) => r.http?.paths ?? []).map((p) => p.backend.service?.name)) {
      const target = backend === undefined ? undefined : services.get(backend);
      if (!target || !publicNames.has(componentOf(target)))
        problems.push(`${id(ingress)}: routes to ${backend}, which is not a public service`);
    }
    for (const path of rules.flatMap((r) => r.http?.paths ?? []).map((p) => p.path ?? '/')) {
      const reached = INTERNAL_PATHS.filter((internal) => prefixReaches(path, internal));
      if (reached.length > 0) problems.push(`${id(ingress)}: path ${path} reaches ${reached.join(', ')}, which are for the cluster only`);
    }
  }
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const s = spec<{ ingress?: { from?: NetworkPolicyPeer[] }[]; egress?: { ports?: unknown[] }[] }>(policy);
    if (!publicNames.has(componentOf(policy))) {
      for (const rule of s.ingress ?? []) {
        if (!rule.from?.length || rule.from.some((peer) => peer.ipBlock)) {
          problems.push(`${id(policy)}: lets any address reach ${componentOf(policy)}, which is not public`);
        }
      }
    }
    for (const rule of s.egress ?? []) {
      if (!rule.ports?.length) problems.push(`${id(policy)}: an egress rule allows every port`);
    }
  }
  return problems;
}

export function policyViolations(objects: K8sObject[]): string[] {
  const configMaps = new Map(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o['data'] ?? {}) as Record<string, string>]),
  );
  const problems: string[] = [];
  for (const object of objects) {
    if (object.kind === 'Deployment') problems.push(...deploymentRules(object, objects, configMaps));
    if (object.kind === 'HorizontalPodAutoscaler') problems.push(...autoscalerRules(object, objects));
    // A KEDA ScaledObject is an autoscaler too: the same bounds, in its own field names.
    if (object.kind === 'ScaledObject') {
      const s = spec<{ scaleTargetRef: { name: string }; minReplicaCount?: number; maxReplicaCount?: number }>(object);
      const asHpa = {
        ...object,
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: s.scaleTargetRef.name },
          minReplicas: s.minReplicaCount,
          maxReplicas: s.maxReplicaCount ?? 100,
        },
      };
      problems.push(...autoscalerRules(asHpa, objects));
    }
    if (object.kind === 'Job') problems.push(...jobRules(object));
    // Credentials live in a Secret created outside the chart, never in values or templates.
    if (object.kind === 'Secret') problems.push(`${id(object)}: the chart must reference an existing Secret, not render one`);
  }
  return [...problems, ...exposureRules(objects)];
}
