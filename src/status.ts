// `pgvigil status`: what is not OK right now, from the vigil.status view
// (sql/views/status.sql), for a terminal or, with --json, for a script.
// Most severe first, then by check and series.
import { connect } from './connection.js';

export const ALL_CLEAR = 'all clear: nothing pending or firing';

/** The interval type: kept as PostgreSQL's own text ("00:05:00", "2 days 03:00:00"). */
const INTERVAL_OID = 1186;
/** The widest a cell of the text table gets; longer values end in "…". */
const MAX_CELL = 40;

const COLUMNS = ['check_name', 'series', 'state', 'severity', 'value', 'since', 'duration', 'acked_by', 'flapping'] as const;

const QUERY = `
  select *
    from vigil.status s
   order by case s.severity when 'critical' then 0 when 'warning' then 1 when 'info' then 2 else 3 end,
            s.check_name, s.series`;

export async function status(options: { databaseUrl?: string; json?: boolean } = {}): Promise<string> {
  const client = await connect(options.databaseUrl);
  let rows: Array<Record<string, unknown>>;
  try {
    client.setTypeParser(INTERVAL_OID, 'text', (v: string) => v);
    rows = (await client.query<Record<string, unknown>>(QUERY)).rows;
  } finally {
    await client.end();
  }
  if (options.json) return JSON.stringify(rows, null, 2);
  if (rows.length === 0) return ALL_CLEAR;
  return table(rows);
}

function table(rows: Array<Record<string, unknown>>): string {
  const cells = rows.map((row) => COLUMNS.map((c) => cell(c, row[c])));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cell(column: (typeof COLUMNS)[number], value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (column === 'flapping') text = value === true ? 'yes' : '';
  else if (value instanceof Date) text = value.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  else if (typeof value === 'number') text = formatNumber(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** At most two decimals, or three significant digits below 1; no trailing zeros. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const s = Math.abs(n) < 1 ? n.toPrecision(3) : n.toFixed(2);
  return s.includes('e') ? s : s.replace(/\.?0+$/, '');
}
