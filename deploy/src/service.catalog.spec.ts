import { ConsumerGroups } from '@orderflow/contracts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { partitionCap, SERVICES } from './service.catalog';
import { paths, ROOT } from './workspace.paths';

describe('the service catalog the deployment is checked against', () => {
  it('names every deployable app under apps/, and only those', () => {
    const deployable = readdirSync(join(ROOT, 'apps')).filter((app) => existsSync(join(ROOT, 'apps', app, 'webpack.config.js')));
    expect(SERVICES.map((s) => s.name).sort()).toEqual(deployable.sort());
  });

  it('names the consumer groups of the topic registry', () => {
    expect(SERVICES.map((s) => s.name).sort()).toEqual(Object.keys(ConsumerGroups).sort());
  });

  it.each(SERVICES.map((s) => [s.name, s.database]))('has the database %s opens (%s)', (name, database) => {
    const module = readFileSync(join(ROOT, 'apps', name, 'src/app.module.ts'), 'utf8');
    expect(module).toMatch(new RegExp(`MongoModule\\.forRootAsync\\(.*\\bdatabase: '${database}'`));
  });

  it("agrees with the chart's default ports and autoscaling caps", () => {
    const values = parse(readFileSync(join(paths.chart, 'values.yaml'), 'utf8')) as {
      services: Record<string, { port: number; autoscaling: { maxReplicas: number } }>;
    };
    expect(Object.keys(values.services).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const service of SERVICES) {
      expect(values.services[service.name].port).toBe(service.port);
      expect(values.services[service.name].autoscaling.maxReplicas).toBeLessThanOrEqual(partitionCap(service.name));
    }
  });
});
