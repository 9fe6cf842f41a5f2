import nx from '@nx/eslint-plugin';

/*
 * Layers of the shared libs (the `layer:*` tags in their project.json): a lib may import its
 * own layer and the ones below it, never one above.
 *   core      contracts (event schemas and shared formats), config (reading the environment);
 *             import no other lib
 *   platform  rest, auth, observability, runtime: the in-process service shell (HTTP edge,
 *             access, logs/metrics/traces, config and bootstrap)
 *   infra     messaging, persistence: adapters to Kafka and MongoDB, built on the platform
 * auth and rest sit in platform, not infra, because runtime bootstraps every service with them
 * and observability guards its endpoints with auth's decorators. Each lib declares the
 * variables it reads in its own config class; none reads another's.
 */
const LAYERS = [
  { sourceTag: 'layer:core', onlyDependOnLibsWithTags: ['layer:core'] },
  { sourceTag: 'layer:platform', onlyDependOnLibsWithTags: ['layer:core', 'layer:platform'] },
  { sourceTag: 'layer:infra', onlyDependOnLibsWithTags: ['layer:core', 'layer:platform', 'layer:infra'] },
];

/** The same layers, where the test helpers may be used too. */
const withTestHelpers = (constraints) =>
  constraints.map((c) => ({ ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:testing'] }));

/**
 * The rest of the import table in docs/architecture.md: which folders of a feature each folder
 * must not import, so requests flow http → commands/queries → persistence and Kafka flows
 * consumers → commands, never back.
 */
const FOLDER_RULES = [
  { folder: 'commands', mustNotImport: ['http', 'consumers'] },
  { folder: 'queries', mustNotImport: ['http', 'consumers'] },
  { folder: 'consumers', mustNotImport: ['http', 'queries'] },
  { folder: 'http', mustNotImport: ['persistence'] },
  { folder: 'persistence', mustNotImport: ['commands', 'queries', 'consumers', 'http'] },
];

/** A feature folder's files, from the workspace root or from a project's own config. */
const filesOf = (folder) => [`apps/*/src/**/${folder}/**/*.ts`, `src/**/${folder}/**/*.ts`];

/** What domain code must not import: frameworks, drivers and the infrastructure libs. */
const INFRASTRUCTURE_IMPORTS = [
  '@nestjs/*',
  'mongoose',
  'mongoose/*',
  'kafkajs',
  'kafkajs/*',
  '@orderflow/messaging',
  '@orderflow/messaging/*',
  '@orderflow/persistence',
  '@orderflow/persistence/*',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/src/gen/**', '.infra/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      // Project tags (project.json) say what may import what: apps are leaves that never
      // import each other, shared libs never import app or test code, and the test
      // helpers stay out of production code. The tools (type:tool: benchmark, fault
      // injection, fuzzing, the local infrastructure, the token issuer) and the e2e suite
      // drive a running stack through its client (type:stack-client, libs/stack); nothing
      // imports a tool, and only they import the stack client.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^.*/tools/build/service\\.webpack$'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:stack-client'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:stack-client'] },
            { sourceTag: 'type:stack-client', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['type:lib'] },
            ...LAYERS,
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration.spec.ts', '**/*.e2e.spec.ts'],
    rules: {
      // Specs may use the test helpers even inside shared libs, and run a database of their
      // own that they may kill (tools/infra/src/mongodb.private). The stack client stays
      // out of production code's specs too: they test a unit, not a running stack.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [
            '^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$',
            '^.*/tools/build/service\\.webpack$',
            '^.*/tools/infra/src/mongodb\\.private$',
          ],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            ...withTestHelpers(LAYERS),
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:stack-client'] },
            { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:stack-client'] },
            { sourceTag: 'type:stack-client', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
  {
    // The domain does not import infrastructure: rules and state transitions are plain
    // TypeScript with unit tests, no framework, no database, no broker (the `domain/` row of
    // the import table in docs/architecture.md).
    // Globs are relative to the config that loads this one: the first two for a lint from the
    // workspace root, the third for each project's own eslint.config.mjs (what `nx lint` runs).
    files: ['apps/*/src/**/domain/**/*.ts', 'libs/**/domain/**/*.ts', 'src/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: INFRASTRUCTURE_IMPORTS,
              message: 'domain code is plain TypeScript: keep frameworks and infrastructure in the adapters around it',
            },
          ],
        },
      ],
    },
  },
  ...FOLDER_RULES.map(({ folder, mustNotImport }) => ({
    files: filesOf(folder),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: mustNotImport.flatMap((other) => [`**/${other}/**`, `./${other}/**`, `../${other}/**`]),
              message: `${folder}/ must not import ${mustNotImport.join('/, ')}/ (the import table in docs/architecture.md)`,
            },
          ],
        },
      ],
    },
  })),
];
