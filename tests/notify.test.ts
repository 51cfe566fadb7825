// The outbox wakes its workers: a tick that writes outbox rows calls
// pg_notify('vigil_outbox', <channel>), delivered to a listening session when
// the tick's transaction commits, and not at all when it rolls back.
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { databasesForThisFile } from './helpers/db.js';

const fresh = databasesForThisFile();

// The next notification, or null if none comes within ms (a bound, never
// reached when the code is right).
function nextNotification(client: pg.Client, ms: number): Promise<pg.Notification | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.removeListener('notification', on);
      resolve(null);
    }, ms);
    const on = (n: pg.Notification) => {
      clearTimeout(timer);
      client.removeListener('notification', on);
      resolve(n);
    };
    client.on('notification', on);
  });
}

describe('outbox notifications', () => {
  test('a committed tick that enqueues wakes a listener with the channel name; a rolled back one does not', async () => {
    const db = await fresh();
    const listener = new pg.Client({ connectionString: db.url });
    const writer = new pg.Client({ connectionString: db.url });
    await listener.connect();
    await writer.connect();
    try {
      await writer.query(`delete from vigil.checks;
        select vigil.add_channel('watchdog', 'webhook', 'https://deadman.example.com/ping', p_heartbeat_every => '5 minutes')`);
      await listener.query('listen vigil_outbox');

      // Rolled back: the heartbeat row and its notification vanish together.
      // Notifications arrive in commit order, so the first one the listener
      // hears after the rollback is a committed sentinel, not the tick's.
      const first = nextNotification(listener, 10_000);
      await writer.query('begin');
      await writer.query(`select vigil.tick('2026-03-10 12:00+00')`);
      await writer.query('rollback');
      await writer.query(`select pg_notify('vigil_outbox', 'sentinel')`);
      expect((await first)?.payload).toBe('sentinel');

      // Committed: the listener hears of the channel with new rows.
      const heard = nextNotification(listener, 10_000);
      await writer.query(`select vigil.tick('2026-03-10 12:00+00')`);
      const n = await heard;
      expect(n?.channel).toBe('vigil_outbox');
      expect(n?.payload).toBe('watchdog');
      const { rows } = await writer.query(`select channel, kind, status from vigil.outbox`);
      expect(rows).toEqual([{ channel: 'watchdog', kind: 'heartbeat', status: 'pending' }]);
    } finally {
      await listener.end();
      await writer.end();
    }
  });
});
