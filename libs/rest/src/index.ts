export { RestModule } from './rest.module';
export { problem } from './problem';
export { ValidationProblem } from './validation.problem';
export { ProblemException } from './problem.exception';
export { decodeCursor, encodeCursor, type Page } from './page.cursor';
export { PageQuery } from './page.query';
export { ApiProblems } from './api-problems.decorator';
export { completeDocument } from './openapi.completion';
export { methodNotAllowed } from './method-not-allowed';
