// pino JSON logs for the worker. A webhook URL (Slack, Discord, Teams) is a
// secret, and so are signing keys, routing keys and database passwords: the
// worker never logs them on purpose, and these redaction paths catch them
// if a field ever carries one.
import pino from 'pino';

export const REDACT_PATHS = [
  'target',
  'secret',
  'secret_ref',
  'url',
  'databaseUrl',
  'connectionString',
  'password',
  'headers',
  'body',
  '*.target',
  '*.secret',
  '*.url',
  '*.databaseUrl',
  '*.connectionString',
  '*.password',
  '*.headers',
  '*.body',
];

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'pgvigil',
      level: options.level ?? process.env.PGVIGIL_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** Replaces each secret that occurs in text (a resolved URL, a key) with a marker: for response excerpts and error messages. */
export function scrub(text: string, secrets: Array<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
