export { RestModule } from './rest.module';
export { ProblemFilter, type ErrorStatuses } from './problem.filter';
export { problem, PROBLEM_CONTENT_TYPE, type Problem, type FieldError } from './problem';
export { ValidationProblem, fieldErrors } from './validation.problem';
export { ProblemException } from './problem.exception';
export { decodeCursor, encodeCursor, type Page } from './page.cursor';
export { PageQuery } from './page.query';
