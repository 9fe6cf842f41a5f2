import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { K8sObject } from './helm.cli';

/**
 * KEDA's kinds have no kubernetes-models classes: they are checked against the
 * openAPIV3Schema of KEDA's own CRDs, vendored in crds/ (see the header of each file).
 */
const ajv = new Ajv({ strict: false, allErrors: true });
const CRDS = ['keda.sh_scaledobjects.yaml', 'keda.sh_triggerauthentications.yaml'].flatMap((file) => {
  const crd = parse(readFileSync(join(__dirname, 'crds', file), 'utf8')) as {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
  };
  return crd.spec.versions.map((version) => ({
    type: `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
    validate: ajv.compile(version.schema.openAPIV3Schema),
  }));
});
const crdByType = new Map(CRDS.map((crd) => [crd.type, crd.validate]));

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: never): { validate(): void };
}

/**
 * The kinds the chart may render, each with its model generated from the Kubernetes OpenAPI
 * schema. A kind missing here fails the check: add its model rather than skip validation.
 */
const MODELS: readonly ModelClass[] = [
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  Ingress,
  Job,
  NetworkPolicy,
  PodDisruptionBudget,
  // Prometheus Operator CRDs, rendered only when metrics.serviceMonitor / prometheusRule are on.
  PrometheusRule,
  Secret,
  Service,
  ServiceAccount,
  ServiceMonitor,
];

const byType = new Map(MODELS.map((model) => [`${model.apiVersion}/${model.kind}`, model]));

/** What the Kubernetes schema finds wrong with an object (types, required fields, formats); [] when valid. */
export function schemaErrors(object: K8sObject): string[] {
  const where = `${object.kind} ${object.metadata?.name}`;
  const crd = crdByType.get(`${object.apiVersion}/${object.kind}`);
  if (crd) return crd(object) ? [] : (crd.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message}`);
  const Model = byType.get(`${object.apiVersion}/${object.kind}`);
  if (!Model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}
