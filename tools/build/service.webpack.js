const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { basename, join } = require('path');

/**
 * The webpack build shared by every service: a single Node bundle per app, with the
 * workspace libs inlined and npm packages left external. `generatePackageJson` writes the
 * pruned manifest the container image installs from.
 */
module.exports = (appDir) => ({
  output: {
    path: join(appDir, '../../dist/apps', basename(appDir)),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
    }),
  ],
});
