# Sourced by ops/load and ops/fault: a PostgreSQL database of our own, migrated and seeded, and
# gunicorn on 127.0.0.1. Everything is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
# A name of its own for each run, so that two runs (or a run and the suite) never collide.
DB_NAME=${OPS_DB_NAME:-kotopolku_ops_$(basename "$0")_$$}
PORT=${OPS_PORT:-8766}
WORKERS=${OPS_WORKERS:-4}
WORK=$(mktemp -d /tmp/kotopolku-ops.XXXXXX)
chmod 755 "$WORK"
PG_CLUSTER=""
# OPS_OWN_CLUSTER=true (ops/fault): a temporary PostgreSQL cluster of our own (initdb on a free
# port), so that restarting it touches no other database of the machine.
as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${OPS_OWN_CLUSTER:-false}" = "true" ]; then
  PG_VERSION=${PG_VERSION:-$(ls /usr/lib/postgresql | sort -n | tail -1)}
  PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
  PG_CLUSTER=$WORK/pgdata
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$PG_CLUSTER"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_CLUSTER"
  as_pg_owner "$PG_BIN/initdb" -D "$PG_CLUSTER" -U postgres -A trust >/dev/null
  PG_CTL_START=("$PG_BIN/pg_ctl" -D "$PG_CLUSTER" -l "$PG_CLUSTER/server.log" -w
    -o "-p $PG_PORT -k $PG_CLUSTER -c listen_addresses=$PG_HOST")
  as_pg_owner "${PG_CTL_START[@]}" start >/dev/null
  echo "== temporary PostgreSQL $PG_VERSION cluster on $PG_HOST:$PG_PORT ($PG_CLUSTER)"
fi
export PGPORT=$PG_PORT
OUT=${OPS_REPORT_DIR:-var/ops}
mkdir -p "$OUT"
export SECRET_KEY=ops-only-secret-key-0123456789abcdef-ops-only LOG_LEVEL=${LOG_LEVEL:-ERROR}
# Production settings (DEBUG off) unless OPS_DEBUG=true: the server then expects the headers of
# a TLS-terminating reverse proxy, which ops/loadtest.py sends with --behind-proxy.
if [ "${OPS_DEBUG:-false}" = "true" ]; then
  export DEBUG=true
  LOADTEST_FLAGS=""
else
  export DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost
  export FIELD_ENCRYPTION_KEY=${FIELD_ENCRYPTION_KEY:-S9_c_hhcjNAcAJ1ERimLVZ8mjQjW7z6QDvTDCxo0mbk=}
  export HETU_HASH_KEY=${HETU_HASH_KEY:-ops-only-hetu-hash-key}
  LOADTEST_FLAGS="--behind-proxy"
fi
export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$DB_NAME"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  for _ in $(seq 1 30); do pg_isready -h "$PG_HOST" -q && break; sleep 1; done
  dropdb -h "$PG_HOST" -U postgres --if-exists --force "$DB_NAME" || true
  if [ -n "$PG_CLUSTER" ]; then as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_CLUSTER" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== database $DB_NAME: create, migrate, seed"
dropdb -h "$PG_HOST" -U postgres --if-exists --force "$DB_NAME"
createdb -h "$PG_HOST" -U postgres "$DB_NAME"
$PY manage.py migrate --noinput -v 0
. ops/_seed.sh
seed_demo_data "${OPS_CLIENTS:-200}"
CLIENTS=$($PY manage.py shell -v 0 -c '
from django.contrib.auth import get_user_model
from kotopolku.clients import selectors
user = get_user_model().objects.get(username="caseworker-jarvenpaa")
print(",".join(str(pk) for pk in selectors.client_list(user=user).values_list("pk", flat=True)[:20]))
')
echo "   clients the load opens: ${CLIENTS:-none}"
# Fifty case workers of Järvenpää, each with their own session and rate-limit budget (the
# search limit is per user): copies of caseworker-jarvenpaa, with the same password.
LOAD_USERS=$($PY manage.py shell -v 0 -c '
from django.contrib.auth import get_user_model
from kotopolku.organisations.models import Membership
User = get_user_model()
model = User.objects.get(username="caseworker-jarvenpaa")
names = []
for n in range(1, 51):
    user, _ = User.objects.get_or_create(username=f"load-caseworker-{n:02d}", defaults={"password": model.password, "email": f"load-{n:02d}@ops.kotopolku.invalid"})
    for m in model.memberships.all():
        Membership.objects.get_or_create(user=user, organisation=m.organisation, role=m.role)
    names.append(user.username)
print(",".join(names))
')

$PY manage.py collectstatic --noinput -v 0
echo "== gunicorn on 127.0.0.1:$PORT, $WORKERS workers"
.venv/bin/gunicorn kotopolku.config.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --timeout 60 --log-level warning --error-logfile "$OUT/gunicorn-$(basename "$0").log" &
SERVER=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
