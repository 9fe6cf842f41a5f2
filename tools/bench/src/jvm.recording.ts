import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A Java Flight Recorder recording of a running JVM (the broker, the local database), started
 * and stopped with `jcmd`, so the bench profiles them without restarting them. Returns how
 * to stop it and where the recording went; nothing when `jcmd` cannot attach.
 */
export function startJvmRecording(pid: number, dir: string, name: string): { stop: () => string | undefined } | undefined {
  const file = join(dir, `${name}.jfr`);
  try {
    execFileSync('jcmd', [String(pid), 'JFR.start', `name=bench-${name}`, 'settings=profile', `filename=${file}`], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  return {
    stop: () => {
      try {
        execFileSync('jcmd', [String(pid), 'JFR.stop', `name=bench-${name}`], { stdio: 'pipe' });
        return file;
      } catch {
        return undefined;
      }
    },
  };
}
