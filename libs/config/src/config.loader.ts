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
    super('invalid configuration: ' + problems.map((p) => `${p.variable} ${p.problem}`).join('; '));
  }
}

const describe = (error: ValidationError): ConfigProblem => ({
  variable: error.property,
  problem: error.value === undefined || error.value === '' ? 'is missing' : (Object.values(error.constraints ?? {})[0] ?? 'is invalid'),
});

type Env = Record<string, string | undefined>;
export type ConfigClass<T extends object = object> = new () => T;
type Instances<T extends readonly ConfigClass[]> = { -readonly [K in keyof T]: InstanceType<T[K]> };

/**
 * Validates `env` against one config class, or several (each lib declares the variables it
 * reads), and returns typed instances in the same order, or throws one ConfigError naming
 * every bad variable of every class: a mis-deployed service is fixed in one round.
 */
export function loadConfig<T extends object>(schema: ConfigClass<T>, env?: Env): T;
export function loadConfig<const T extends readonly ConfigClass[]>(schemas: T, env?: Env): Instances<T>;
export function loadConfig(schemas: ConfigClass | readonly ConfigClass[], env: Env = process.env): object {
  const { configs, problems } = validate(schemas, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return Array.isArray(schemas) ? configs : configs[0];
}

/** What `loadConfig` would refuse in `env`, every bad variable of every class; none when it would start. */
export function configProblems(schemas: ConfigClass | readonly ConfigClass[], env: Env = process.env): ConfigProblem[] {
  return validate(schemas, env).problems;
}

function validate(schemas: ConfigClass | readonly ConfigClass[], env: Env): { configs: object[]; problems: ConfigProblem[] } {
  // Only the variables a class declares are read; the rest of the environment is ignored.
  const configs = [schemas].flat().map((schema) => plainToInstance(schema, env, { exposeDefaultValues: true }));
  const problems = configs.flatMap((config) => validateSync(config, { skipMissingProperties: false }).map(describe));
  return { configs, problems };
}

/** The instance of `schema` among validated configs; one the service did not validate is a programming error. */
export function configOf<T extends object>(configs: object[], schema: ConfigClass<T>): T {
  const config = configs.find((c): c is T => c instanceof schema);
  if (!config) throw new Error(`${schema.name} is not among the validated configuration`);
  return config;
}
