import { spawnSync } from 'node:child_process';
import { paths } from './workspace.paths';

/**
 * Jest globalSetup: makes sure the pinned Helm is built before any test runs. A no-op when
 * it is; on a fresh machine it builds Helm from source and shows the build's progress.
 */
export default function installHelm(): void {
  process.stderr.write('\n• Checking for Helm (tools/helm/install.sh)\n');
  const result = spawnSync('bash', [paths.helmInstaller], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`tools/helm/install.sh failed (exit ${result.status}); see its output above`);
  }
  process.stderr.write(`• Helm: ${result.stdout.trim()}\n`);
}
