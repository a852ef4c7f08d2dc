# Sourced by ops/fuzz, ops/load and ops/fault: seed demo data. When the full demo fails (it has
# happened while other parts were in progress), the failure is printed and the organisations,
# users and clients are seeded without the rest, so the run still has clients to read.
seed_demo_data() {
  local clients=$1
  if ! $PY manage.py seed_demo --demo-users --clients "$clients" >"$WORK/seed.log" 2>&1; then
    echo "!! seed_demo --clients $clients failed; seeding users and clients only. Last lines:"
    tail -2 "$WORK/seed.log"
    $PY manage.py seed_demo --demo-users --clients 0 >/dev/null
    $PY manage.py shell -v 0 -c "from kotopolku.clients.demo import seed_clients; print('   clients seeded:', seed_clients($clients))"
  fi
}
