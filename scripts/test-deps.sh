#!/usr/bin/env bash
# What `npm test` needs besides npm packages: a PostgreSQL server with
# pg_cron, pgTAP (and pg_prove) and plpgsql_check. On Debian/Ubuntu as root
# this installs whatever is missing; otherwise it prints the command to run.
# Skipped when TEST_DATABASE_URL points at a server of your own.
set -euo pipefail
[ -n "${TEST_DATABASE_URL:-}" ] && exit 0
pg=${PGVIGIL_PG_MAJOR:-15}
pkgs=(postgresql-$pg postgresql-$pg-cron postgresql-$pg-pgtap postgresql-$pg-plpgsql-check libtap-parser-sourcehandler-pgtap-perl)
command -v dpkg-query >/dev/null || { echo "test-deps: not a Debian system; install PostgreSQL $pg with pg_cron, pgTAP, pg_prove and plpgsql_check, or set TEST_DATABASE_URL" >&2; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "test-deps: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "test-deps: missing ${missing[*]}. Run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
