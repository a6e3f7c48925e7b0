#!/usr/bin/env bash
# Bring up one more machine's worth of portal processes on this host: a gunicorn web server and
# a Celery worker, sharing the PostgreSQL database and the Redis of the first node (cache,
# broker), as a second application server behind the load balancer would (docs/deploy.md).
#
#   scripts/second_node.sh start     # NODE_NAME=node2 NODE_PORT=8102 by default
#   scripts/second_node.sh status
#   scripts/second_node.sh stop
#
# Settings: DJANGO_SETTINGS_MODULE (default portal.settings.loadtest, production-like on
# 127.0.0.1; use portal.settings.prod with its environment on a server), CELERY_BROKER_URL and
# CACHE_REDIS_URL (default: this checkout's Redis in .run/). Logs and pid files: .run/$NODE_NAME/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODE_NAME=${NODE_NAME:-node2}
NODE_PORT=${NODE_PORT:-8102}
NODE_DIR=$ROOT/.run/$NODE_NAME
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.loadtest}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis+socket://$ROOT/.run/redis.sock}
export CACHE_REDIS_URL=${CACHE_REDIS_URL:-unix://$ROOT/.run/redis.sock?db=2}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
mkdir -p "$NODE_DIR"

log() { printf '[%s] %s\n' "$NODE_NAME" "$*"; }
running() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  [[ -S $ROOT/.run/redis.sock ]] || { log "no Redis at .run/redis.sock: run scripts/bootstrap.sh"; exit 1; }
  if running "$NODE_DIR/web.pid"; then log "web already running (pid $(cat "$NODE_DIR/web.pid"))"; else
    GUNICORN_BIND=127.0.0.1:$NODE_PORT GUNICORN_PROC_NAME=portal-web-$NODE_NAME \
      .venv/bin/gunicorn -c portal/gunicorn.conf.py --pid "$NODE_DIR/web.pid" --daemon \
      --log-file "$NODE_DIR/web.log" portal.wsgi
  fi
  if running "$NODE_DIR/worker.pid"; then log "worker already running (pid $(cat "$NODE_DIR/worker.pid"))"; else
    .venv/bin/celery -A portal worker --detach --concurrency=1 -n "worker-$NODE_NAME@%h" \
      --pidfile="$NODE_DIR/worker.pid" --logfile="$NODE_DIR/worker.log" --loglevel=INFO
  fi
  for _ in $(seq 120); do
    if curl -fs -o /dev/null "http://127.0.0.1:$NODE_PORT/api/v1/catchments/" 2>/dev/null; then break; fi
    sleep 0.5
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$NODE_PORT/api/v1/catchments/" \
    || { log "web server did not answer; see $NODE_DIR/web.log"; exit 1; }
  for _ in $(seq 120); do
    if .venv/bin/celery -A portal inspect ping -d "worker-$NODE_NAME@$(hostname)" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  .venv/bin/celery -A portal inspect ping -d "worker-$NODE_NAME@$(hostname)" >/dev/null 2>&1 \
    || { log "worker did not answer; see $NODE_DIR/worker.log"; exit 1; }
  status
}

status() {
  for proc in web worker; do
    if running "$NODE_DIR/$proc.pid"; then log "$proc up (pid $(cat "$NODE_DIR/$proc.pid"))"
    else log "$proc down"; fi
  done
  log "port $NODE_PORT, settings $DJANGO_SETTINGS_MODULE"
}

stop() {
  for proc in web worker; do
    if running "$NODE_DIR/$proc.pid"; then
      kill -TERM "$(cat "$NODE_DIR/$proc.pid")"
      for _ in $(seq 60); do running "$NODE_DIR/$proc.pid" || break; sleep 0.5; done
      log "$proc stopped"
    fi
    rm -f "$NODE_DIR/$proc.pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
