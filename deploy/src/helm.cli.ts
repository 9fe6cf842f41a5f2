import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { paths } from './workspace.paths';

/** A rendered Kubernetes object, as far as the checks need to know its shape. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  if (!existsSync(paths.helm)) {
    throw new Error(`${paths.helm} is missing: run tools/helm/install.sh (jest's globalSetup does)`);
  }
  const result = spawnSync(paths.helm, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // Keep Helm away from the user's kubeconfig, repositories and plugins.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      HELM_NO_PLUGINS: '1',
      KUBECONFIG: '/dev/null',
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RenderOptions {
  /** Values files, in order. */
  values?: string[];
  /** `--set` expressions, e.g. `services.order-api.replicas=2`. */
  set?: string[];
  release?: string;
}

const valueArgs = (options: RenderOptions) => [
  ...(options.values ?? []).flatMap((file) => ['--values', file]),
  ...(options.set ?? []).flatMap((expr) => ['--set', expr]),
];

/** `helm template` of the chart: the objects, or the failure as helm printed it. */
export function template(options: RenderOptions = {}): HelmResult & { objects: K8sObject[] } {
  const result = helm(['template', options.release ?? 'orderflow', paths.chart, '--namespace', 'orderflow', ...valueArgs(options)]);
  if (result.status !== 0) return { ...result, objects: [] };
  const objects = parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
  return { ...result, objects };
}

/** `template` that must succeed. */
export function render(options: RenderOptions = {}): K8sObject[] {
  const result = template(options);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return result.objects;
}

export function lint(options: RenderOptions = {}): HelmResult {
  return helm(['lint', '--strict', paths.chart, ...valueArgs(options)]);
}
