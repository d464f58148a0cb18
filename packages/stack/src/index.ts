export {
  type ClusterHealth,
  clusterHealth,
  clusterPorts,
  ES_USER,
  ES_VERSION,
  ensureDistribution,
  ensureUser,
  esInfo,
  esNodes,
  javaHome,
  type NodeInfo,
  nodeName,
  startClusterNode,
  startElasticsearch,
  startElasticsearchCluster,
} from './elasticsearch-server.ts';
export { REPO_ROOT, type StackPaths, stackPaths } from './paths.ts';
export { findOnPath, type RunResult, run, runningPid, stopPid } from './processes.ts';
export { MissingBinaryError, redisInfo, startRedis } from './redis-server.ts';
export {
  recordedNodes,
  type ServerState,
  type StackOptions,
  stackDown,
  stackStatus,
  stackUp,
} from './stack.ts';
