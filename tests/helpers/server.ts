// What the global setup hands every test file: the shared throwaway server
// and its two template databases.
import type { TestServer } from '../../scripts/test-cluster.js';

export interface ProvidedServer extends Omit<TestServer, 'stop' | 'restart'> {
  /** Extensions (pgtap, pg_stat_statements, plpgsql_check), no pgvigil. */
  emptyTemplate: string;
  /** emptyTemplate plus `pgvigil migrate`. */
  migratedTemplate: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgServer: ProvidedServer;
  }
}
