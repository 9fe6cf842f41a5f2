import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Raised when the environment cannot run the service; names every bad variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: ConfigProblem[]) {
    super(
      'invalid configuration: ' +
        problems.map((p) => `${p.variable} ${p.problem}`).join('; '),
    );
  }
}

const describe = (error: ValidationError): ConfigProblem => ({
  variable: error.property,
  problem:
    error.value === undefined || error.value === ''
      ? 'is missing'
      : Object.values(error.constraints ?? {})[0] ?? 'is invalid',
});

/** Validates `env` against a config class and returns a typed instance, or throws ConfigError. */
export function loadConfig<T extends object>(
  schema: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  // Only the variables the schema declares are read; the rest of the environment is ignored.
  const config = plainToInstance(schema, env, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  return config;
}
