# Sourced by ops/fuzz, ops/load and ops/fault: seed demo data, falling back to no clients when
# the client part of the demo fails (the failure is printed, so it is not hidden).
seed_demo_data() {
  local clients=$1
  if ! $PY manage.py seed_demo --demo-users --clients "$clients" >"$WORK/seed.log" 2>&1; then
    echo "!! seed_demo --clients $clients failed; continuing with --clients 0. Last lines:"
    tail -3 "$WORK/seed.log"
    $PY manage.py seed_demo --demo-users --clients 0 >/dev/null
  fi
}
