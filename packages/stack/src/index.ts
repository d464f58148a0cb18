export { ES_VERSION, esInfo } from './elasticsearch-server.ts';
export { REPO_ROOT, stackPaths } from './paths.ts';
export { findOnPath, type RunResult, run } from './processes.ts';
export { MissingBinaryError, redisInfo } from './redis-server.ts';
export { type ServerState, type StackOptions, stackDown, stackStatus, stackUp } from './stack.ts';
