import { join, resolve } from 'node:path';

/** Repository root: deploy/src/ is two levels down. */
export const ROOT = resolve(__dirname, '../..');

const INFRA_DIR = resolve(process.env['INFRA_DIR'] ?? join(ROOT, '.infra'));

export const paths = {
  chart: join(ROOT, 'deploy/helm/orderflow'),
  productionValues: join(ROOT, 'deploy/helm/orderflow/ci/production-values.yaml'),
  compose: join(ROOT, 'docker/compose.yml'),
  dockerfile: join(ROOT, 'docker/Dockerfile'),
  dockerignore: join(ROOT, '.dockerignore'),
  helmInstaller: join(ROOT, 'tools/helm/install.sh'),
  /** Where tools/helm/install.sh puts the binary. */
  helm: join(INFRA_DIR, 'cache/bin/helm'),
  /** Downloads and builds of the local infrastructure (Kafka's jars under kafka-<version>/). */
  infraCache: join(INFRA_DIR, 'cache'),
  /** KEY=VALUE lines written by `npm run infra -- up`: where Kafka and MongoDB are. */
  infraEnv: join(INFRA_DIR, 'env'),
  dist: (app: string) => join(ROOT, 'dist/apps', app),
};
