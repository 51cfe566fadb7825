// pgvigil uninstall: runs sql/uninstall.sql, which removes the vigil_* pg_cron
// jobs, the schema and the roles pgvigil created, in one transaction. Jobs
// that pg_cron in another database runs here (pgvigil schedule) are removed
// there first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from './connection.js';
import { unscheduleElsewhere } from './schedule.js';
import { MIGRATE_LOCK_KEY, PACKAGE_ROOT } from './sources.js';

export function uninstallSql(): string {
  return readFileSync(join(PACKAGE_ROOT, 'sql', 'uninstall.sql'), 'utf8');
}

export async function uninstall(options: { databaseUrl?: string; cronDatabase?: string; log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const client = await connect(options.databaseUrl);
  client.on('notice', (n) => log(`${n.severity ?? 'NOTICE'}: ${n.message}${n.hint ? `\nHINT: ${n.hint}` : ''}`));
  try {
    // Wait for a migrate in progress rather than racing it.
    await client.query('select pg_catalog.pg_advisory_lock($1::bigint)', [MIGRATE_LOCK_KEY]);
    // Jobs that pg_cron in another database runs here (pgvigil schedule).
    await unscheduleElsewhere(client, { ...options, log });
    await client.query(uninstallSql());
    log('pgvigil uninstalled: vigil_* cron jobs, the vigil schema and the roles pgvigil created are gone');
  } finally {
    await client.end();
  }
}
