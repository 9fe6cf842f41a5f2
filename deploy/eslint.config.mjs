import baseConfig from '../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The root config's block for specs lists no constraint for type:deploy, and a project
    // without a matching constraint may import no library at all.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [{ sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:lib'] }],
        },
      ],
    },
  },
];
