// The SQL that pgvigil ships, read from the package: numbered migrations and
// the repeatable layer, in the one fixed order that migrate and the bundle
// share.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: src/ when run from source, dist/ when built, both one level down. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MIGRATIONS_DIR = join(PACKAGE_ROOT, 'migrations');

/** Schema and table that hold the applied migrations (node-pg-migrate's). */
export const MIGRATIONS_SCHEMA = 'vigil';
export const MIGRATIONS_TABLE = 'pgmigrations';

/** Advisory lock key taken by migrate, the bundle and uninstall ("pgvigil" in ASCII, 7 bytes). */
export const MIGRATE_LOCK_KEY = '31638955663780204';

export interface Migration {
  /** The name node-pg-migrate records: the file name without .sql. */
  name: string;
  /** The "up" SQL. */
  sql: string;
}

export interface RepeatableSource {
  /** Relative to the package root, e.g. sql/functions/version.sql. */
  path: string;
  sql: string;
  sha256: string;
}

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+$/;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The "up" part of an SQL migration, as node-pg-migrate reads it. */
function upSql(content: string): string {
  const down = content.search(/^\s*--[\s-]*down\s+migration/im);
  return down >= 0 ? content.slice(0, down) : content;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((file) => {
    const name = file.slice(0, -'.sql'.length);
    if (!MIGRATION_NAME.test(name)) {
      throw new Error(`migration file ${file} is not named NNNN_snake_case.sql`);
    }
    return { name, sql: upSql(readFileSync(join(dir, file), 'utf8')) };
  });
}

function sqlFilesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return sqlFilesUnder(full);
    return entry.endsWith('.sql') ? [full] : [];
  });
}

/**
 * The repeatable layer in its fixed order: sql/functions (sub-folders
 * included, by path), sql/views, sql/cron, then sql/grants.sql.
 */
export function loadRepeatable(root: string = PACKAGE_ROOT): RepeatableSource[] {
  const sqlDir = join(root, 'sql');
  const files = [
    ...sqlFilesUnder(join(sqlDir, 'functions')),
    ...sqlFilesUnder(join(sqlDir, 'views')),
    ...sqlFilesUnder(join(sqlDir, 'cron')),
    join(sqlDir, 'grants.sql'),
  ];
  return files.map((file) => {
    const sql = readFileSync(file, 'utf8');
    return {
      path: relative(root, file).split('\\').join('/'),
      sql,
      sha256: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

/** Statements that open the repeatable pass, inside its transaction. */
export const REPEATABLE_PREAMBLE = [
  // Every object in sql/ is schema-qualified; an empty search_path proves it.
  `set local search_path = ''`,
  // Function bodies may refer to objects created later in the pass (as in a
  // pg_dump restore); the test suite validates every body afterwards.
  `set local check_function_bodies = off`,
];

/** Records the repeatable layer in vigil.sql_sources (one statement). */
export function recordSourcesSql(sources: RepeatableSource[]): string {
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const paths = sources.map((s) => lit(s.path)).join(', ');
  const shas = sources.map((s) => lit(s.sha256)).join(', ');
  return [
    `with src(path, sha256) as (select * from rows from (pg_catalog.unnest(array[${paths}]::text[]), pg_catalog.unnest(array[${shas}]::text[]))),`,
    `gone as (delete from vigil.sql_sources s where not exists (select from src where src.path = s.path))`,
    `insert into vigil.sql_sources (path, sha256) select path, sha256 from src`,
    `on conflict (path) do update set sha256 = excluded.sha256, applied_at = pg_catalog.now()`,
    `where vigil.sql_sources.sha256 is distinct from excluded.sha256;`,
  ].join('\n');
}
