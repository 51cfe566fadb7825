// Where pgvigil connects: --database-url, then DATABASE_URL, then the PG*
// environment variables that libpq and node-postgres read themselves.
import pg from 'pg';

export function connectionString(explicit?: string): string | undefined {
  return explicit ?? process.env.DATABASE_URL ?? undefined;
}

export async function connect(explicit?: string): Promise<pg.Client> {
  const url = connectionString(explicit);
  const client = new pg.Client(url ? { connectionString: url } : {});
  await client.connect();
  return client;
}

/** A URL with its password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable connection string)';
  }
}
