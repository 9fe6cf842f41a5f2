import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './helm.cli';

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
  const Model = byType.get(`${object.apiVersion}/${object.kind}`);
  if (!Model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}
