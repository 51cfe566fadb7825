// Runs pgTAP files with psql, as pg_prove does, and parses the TAP stream.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Parser } from 'tap-parser';

export const PGTAP_DIR = join(import.meta.dirname, '..', 'pgtap');

export interface PgtapFile {
  path: string;
  /** Relative to tests/pgtap. */
  name: string;
  /** From a `-- requires: a, b` line: extensions the file needs. */
  requires: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const full = join(dir, e);
      return statSync(full).isDirectory() ? walk(full) : e.endsWith('.test.sql') ? [full] : [];
    });
}

export function pgtapFiles(): PgtapFile[] {
  return walk(PGTAP_DIR).map((path) => {
    const m = /^--\s*requires:\s*(.+)$/m.exec(readFileSync(path, 'utf8'));
    return {
      path,
      name: relative(PGTAP_DIR, path),
      requires: m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : [],
    };
  });
}

export interface PgtapRun {
  ok: boolean;
  count: number;
  pass: number;
  failures: unknown[];
  output: string;
}

/** Runs one file with search_path = '' (the strictest setting pgvigil must pass). */
export function runPgtap(psql: string, url: string, file: string, searchPath = ''): PgtapRun {
  const r = spawnSync(
    psql,
    ['--no-psqlrc', '--no-align', '--quiet', '--tuples-only', '--pset', 'pager=off', '--set', 'ON_ERROR_STOP=1', '--file', file, url],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: `-c search_path=${searchPath === '' ? "''" : searchPath}` } },
  );
  let summary: { ok: boolean; count: number; pass: number; failures: unknown[] } = { ok: false, count: 0, pass: 0, failures: [] };
  const parser = new Parser((results) => {
    summary = { ok: results.ok, count: results.count, pass: results.pass, failures: results.failures };
  });
  parser.end(r.stdout);
  const output = `${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}`;
  return { ...summary, ok: summary.ok && r.status === 0 && summary.count > 0, output };
}
