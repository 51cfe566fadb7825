// One vitest test per pgTAP file, each in a fresh clone of the migrated
// template, run with search_path = ''. A failure prints pgTAP's have/want.
// Then pg_prove runs the same files with the default search_path.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { clientBinary, databasesForThisFile, libpqEnv, server } from './helpers/db.js';
import { pgtapFiles, runPgtap } from './helpers/pgtap.js';

const s = server();
// pg_cron counts only when preloaded; "superuser" because the suite connects as one.
const available = new Set([...s.extensions.filter((e) => e !== 'pg_cron'), ...s.preloaded, 'superuser']);
const matrix = process.env.PGVIGIL_MATRIX === '1';
const all = pgtapFiles();
const runnable = all.filter((f) => f.requires.every((r) => available.has(r)));
const fresh = databasesForThisFile();

test('every pgTAP file can run on this server (outside the version matrix)', () => {
  const missing = all.filter((f) => !runnable.includes(f)).map((f) => `${f.name} needs ${f.requires.join(', ')}`);
  if (!matrix) expect(missing).toEqual([]);
  expect(runnable.length).toBeGreaterThan(0);
  // In the matrix, prove the server really is the major it asked for.
  if (process.env.PGVIGIL_EXPECT_MAJOR) expect(s.major).toBe(Number(process.env.PGVIGIL_EXPECT_MAJOR));
});

describe('pgTAP', () => {
  test.each(runnable.map((f) => [f.name, f] as const))('%s', async (_name, file) => {
    const db = await fresh('migrated');
    const run = runPgtap(clientBinary('psql'), db.url, file.path);
    if (!run.ok) throw new Error(`pgTAP failed: ${run.count - run.pass} of ${run.count} failed\n${run.output}`);
    expect(run.pass).toBe(run.count);
  });
});

const hasPgProve = spawnSync('pg_prove', ['--version'], { stdio: 'ignore' }).status === 0;
test.runIf(hasPgProve || !matrix)('pg_prove runs the same files', async () => {
  expect(hasPgProve, 'pg_prove is not installed: apt-get install libtap-parser-sourcehandler-pgtap-perl').toBe(true);
  const db = await fresh('migrated');
  const r = spawnSync('pg_prove', ['--psql-bin', clientBinary('psql'), ...runnable.map((f) => f.path)], {
    encoding: 'utf8',
    env: { ...process.env, ...libpqEnv(db.url) },
  });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toMatch(/All tests successful/);
});
