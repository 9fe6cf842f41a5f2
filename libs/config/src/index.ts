export { ConfigError, configOf, loadConfig, type ConfigClass, type ConfigProblem } from './config.loader';
export { envInteger, wholeNumberOf } from './env-number.format';
