export { ConfigError, configOf, configProblems, loadConfig, type ConfigClass, type ConfigProblem } from './config.loader';
export { envInteger, wholeNumberOf } from './env-number.format';
