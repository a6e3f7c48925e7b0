#!/usr/bin/env bash
# One-shot, idempotent set-up for a fresh Debian/Ubuntu machine (run as root) or one where it already ran:
# system packages, Python >= 3.12 virtualenv from uv.lock, and a PostGIS database.
#   scripts/bootstrap.sh            portal + database
#   scripts/bootstrap.sh --browser  also Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WITH_BROWSER=0
[[ "${1:-}" == "--browser" ]] && WITH_BROWSER=1

log() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[bootstrap] %s\033[0m\n' "$*" >&2; exit 1; }

# --- system packages -------------------------------------------------------------------------
apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null || die "missing system packages ${missing[*]} and no apt-get to install them"
  [[ $EUID -eq 0 ]] || die "missing system packages ${missing[*]}: run as root or install them"
  if ((apt_updated == 0)); then log "apt-get update"; apt-get update -qq; apt_updated=1; fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

[[ -n "$(pg_major)" ]] || apt_install postgresql
PG_MAJOR=$(pg_major)
[[ -n "$PG_MAJOR" ]] || die "PostgreSQL did not install"
apt_install "postgresql-${PG_MAJOR}-postgis-3" "postgresql-${PG_MAJOR}-pgrouting" gdal-bin libgdal-dev libgeos-dev libproj-dev gettext fonts-dejavu-core \
  redis-server
if ((WITH_BROWSER)); then apt_install chromium; fi

# --- Python ----------------------------------------------------------------------------------
find_python() {
  local candidates=("${PYTHON:-}" python3.13 python3.12 python3)
  for dir in "$HOME"/.pyenv/versions/3.13* "$HOME"/.pyenv/versions/3.12* /root/.pyenv/versions/3.13* /root/.pyenv/versions/3.12*; do
    [[ -x "$dir/bin/python3" ]] && candidates+=("$dir/bin/python3")
  done
  for c in "${candidates[@]}"; do
    [[ -n "$c" ]] || continue
    local exe; exe=$(command -v "$c" 2>/dev/null) || continue
    if "$exe" -c 'import sys; sys.exit(0 if (3,12) <= sys.version_info[:2] < (3,14) else 1)' 2>/dev/null; then
      echo "$exe"; return 0
    fi
  done
  return 1
}

if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3,12) else 1)'; then
  PY=$(find_python) || die "No Python 3.12 or 3.13 found (tried \$PYTHON, python3.13, python3.12, python3, ~/.pyenv/versions/3.1[23]*). Django 6 needs Python >= 3.12: install one (e.g. apt-get install python3.12 or pyenv install 3.12) and re-run."
  log "creating .venv with $PY ($("$PY" --version))"
  rm -rf .venv
  "$PY" -m venv .venv
fi
if [[ ! -x .venv/bin/uv ]]; then
  log "installing uv into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check "uv==0.13.8"
fi
# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (this machine, CI) Python
# would otherwise compile ~2,000 modules from source in every new process (a gunicorn or
# Celery worker, a test's subprocess): 4.8 s → 1.8 s to load the application, measured.
STAMP=.venv/.uv.lock.compiled.sha256
if [[ ! -f $STAMP ]] || ! sha256sum -c --status "$STAMP" 2>/dev/null; then
  log "syncing .venv with uv.lock (and compiling its bytecode)"
  UV_PROJECT_ENVIRONMENT=.venv UV_PYTHON_DOWNLOADS=never .venv/bin/uv sync --frozen --python .venv/bin/python --quiet --compile-bytecode
  sha256sum uv.lock > "$STAMP"
fi
# The portal's own modules (only files changed since the last run are compiled again).
.venv/bin/python -m compileall -q -j 0 accounts admissions audit documents eservices gis kpi \
  notifications portal privacy surveys >/dev/null

# --- Redis (Celery broker for background allocation runs) --------------------------------------
# A private Redis on a socket in .run/ (no TCP port), used by the tests of the Celery path and by
# `CELERY_BROKER_URL=redis+socket://$PWD/.run/redis.sock`; `make run` runs tasks in-process.
mkdir -p "$ROOT/.run"
if ! redis-cli -s "$ROOT/.run/redis.sock" ping >/dev/null 2>&1; then
  log "starting Redis on $ROOT/.run/redis.sock"
  redis-server --port 0 --unixsocket "$ROOT/.run/redis.sock" --unixsocketperm 700 --daemonize yes \
    --save "" --appendonly no --dir "$ROOT/.run" --logfile "$ROOT/.run/redis.log" \
    --pidfile "$ROOT/.run/redis.pid" >/dev/null
  for _ in $(seq 50); do redis-cli -s "$ROOT/.run/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -s "$ROOT/.run/redis.sock" ping >/dev/null || die "Redis did not start (see .run/redis.log)"
fi

# --- database --------------------------------------------------------------------------------
if [[ -n "${DATABASE_URL:-}" ]]; then
  log "using DATABASE_URL from the environment"
  exit 0
fi
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PGDATA=$ROOT/.pgdata
SOCKDIR=$ROOT/.run
PGPORT=${PORTAL_PGPORT:-54329}
mkdir -p "$SOCKDIR"
# initdb and postgres refuse to run as root: the cluster belongs to an unprivileged user.
PGUSER_OS=postgres
id "$PGUSER_OS" >/dev/null 2>&1 || die "system user 'postgres' missing (it comes with the postgresql package)"
chown "$PGUSER_OS" "$SOCKDIR"
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi; }

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  log "initdb PostgreSQL $PG_MAJOR cluster in .pgdata"
  rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chown "$PGUSER_OS" "$PGDATA"; chmod 700 "$PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
elif [[ $(cat "$PGDATA/PG_VERSION") != "$PG_MAJOR" ]]; then
  die ".pgdata was made by PostgreSQL $(cat "$PGDATA/PG_VERSION"), installed is $PG_MAJOR: remove .pgdata (it holds only reloadable data) and re-run"
fi
if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "starting PostgreSQL (socket only, in .run/, port number $PGPORT)"
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$SOCKDIR/postgres.log" -w -t 60 \
    -o "-p $PGPORT -k $SOCKDIR -c listen_addresses='' -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { tail -n 20 "$SOCKDIR/postgres.log" >&2; die "PostgreSQL did not start"; }
fi
psql_pg() { as_pg "$PGBIN/psql" -h "$SOCKDIR" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
export PGOPTIONS="-c client_min_messages=warning"
if [[ -z $(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname='portal'") ]]; then
  log "creating database 'portal'"
  psql_pg -d postgres -c "CREATE DATABASE portal"
fi
for db in template1 portal; do
  psql_pg -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
  psql_pg -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pgrouting"  # road distances (gis)
done
log "PostGIS $(psql_pg -d portal -c 'SELECT postgis_lib_version()'), pgRouting $(psql_pg -d portal -c 'SELECT pgr_version()') ready (socket $SOCKDIR, port $PGPORT)"
