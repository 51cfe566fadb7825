// What the global setup hands every test file: the shared throwaway server
// and its two template databases.
export interface ProvidedServer {
  url: string;
  major: number;
  bindir: string | null;
  extensions: string[];
  preloaded: string[];
  source: 'url' | 'local' | 'docker';
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
