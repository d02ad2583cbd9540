#!/usr/bin/env bash
# The deployment files (docs/deployment.md), checked with the real tools,
# since no Docker engine or systemd runs here:
#   - deploy/compose.yaml is valid to Debian's docker-compose (and refuses to
#     start Grafana without an admin password);
#   - deploy/haproxy.cfg is valid to Debian's haproxy;
#   - deploy/make-secrets makes what compose mounts, and deploy/confab.toml
#     with them is a configuration confab accepts;
#   - every shared library build/confab needs comes from a package that
#     `scripts/setup --runtime` (the image's runtime stage) installs;
#   - the Dockerfile's HEALTHCHECK command succeeds against a running confab.
# Usage: tests/deploy/deploy_files_test.sh SOURCE_DIR CONFAB_BINARY
set -uo pipefail
src=$1
confab=$2
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null; rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...: runs it, reports it
  local name=$1; shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok: $name"
  else
    failed=$((failed + 1)); echo "FAILED: $name"; echo "$out" | tail -20
  fi
}

check "compose.yaml is valid" \
  env GRAFANA_ADMIN_PASSWORD=test docker-compose -f "$src/deploy/compose.yaml" config -q
compose_without_password() {
  local out
  out=$(env -u GRAFANA_ADMIN_PASSWORD docker-compose -f "$src/deploy/compose.yaml" config -q 2>&1) && return 1
  grep -q "GRAFANA_ADMIN_PASSWORD" <<<"$out"
}
check "compose.yaml refuses an unset Grafana password, naming it" compose_without_password
three_nodes() {
  local services
  services=$(GRAFANA_ADMIN_PASSWORD=test docker-compose -f "$src/deploy/compose.yaml" config --services | sort | tr '\n' ' ')
  [[ "$services" == "confab1 confab2 confab3 grafana haproxy prometheus redis " ]] || { echo "services: $services"; return 1; }
}
check "compose.yaml has redis, haproxy, three nodes, prometheus and grafana" three_nodes
nodes_use_redis() {
  local config
  config=$(GRAFANA_ADMIN_PASSWORD=test docker-compose -f "$src/deploy/compose.yaml" config)
  [[ $(grep -c "CONFAB_STORE_REDIS_URL: redis://redis:6379" <<<"$config") == 3 ]] || { echo "$config"; return 1; }
}
check "every node writes its conversations through to the compose Redis" nodes_use_redis

cp -r "$src/deploy" "$work/deploy"
mkdir -p "$work/scripts" && cp "$src/scripts/confab-key" "$work/scripts/"
check "make-secrets writes keys, signing key and certificate" "$work/deploy/make-secrets" localhost
check "haproxy.cfg is valid" env CONFAB_LB_CERT="$work/deploy/secrets/confab.pem" \
  CONFAB_NODE1=127.0.0.1:1 CONFAB_NODE2=127.0.0.1:2 CONFAB_NODE3=127.0.0.1:3 \
  haproxy -c -f "$src/deploy/haproxy.cfg"
check "confab.toml with the made secrets is a valid configuration" \
  "$confab" --config "$src/deploy/confab.toml" --web-root "$src/web" \
  --auth-keys-file "$work/deploy/secrets/keys.toml" \
  --auth-signing-key-file "$work/deploy/secrets/signing.key" --check-config

runtime_packages() {
  local wanted lib pkg missing=()
  wanted=" $(bash -c "$(sed -n '/^RUNTIME_PACKAGES=(/,/^)/p' "$src/scripts/setup"); echo \${RUNTIME_PACKAGES[*]}") "
  # libc6 and libgcc-s1 are in every Debian image (essential/required).
  wanted+=" libc6 libgcc-s1 "
  for lib in $(readelf -d "$confab" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    path=$(ldd "$confab" | awk -v l="$lib" '$1 == l {print $3}')
    [[ -n "$path" ]] || { missing+=("$lib (not found)"); continue; }
    pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
    [[ "$wanted" == *" $pkg "* ]] || missing+=("$lib from ${pkg:-no package}")
  done
  ((${#missing[@]} == 0)) || { echo "not installed by setup --runtime: ${missing[*]}"; return 1; }
}
check "setup --runtime installs every library confab links" runtime_packages

healthcheck() {
  local port_file=$work/port cmd
  "$confab" --host 127.0.0.1 --port 0 --port-file "$port_file" --web-root "$src/web" \
    --stt-workers 1 --tts-workers 1 >"$work/confab.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do [[ -s "$port_file" ]] && break; sleep 0.1; done
  [[ -s "$port_file" ]] || { cat "$work/confab.log"; return 1; }
  # The HEALTHCHECK's own command, pointed at this server's port.
  cmd=$(sed -n 's/.*CMD \["bash", "-c", "\(.*\)"\]$/\1/p' "$src/Dockerfile" | sed 's/\\\\/\\/g')
  [[ -n "$cmd" ]] || { echo "no HEALTHCHECK CMD in the Dockerfile"; return 1; }
  bash -c "${cmd//8080/$(cat "$port_file")}" || return 1
  # And it fails when nothing answers.
  kill "$pid"; wait "$pid" 2>/dev/null
  ! bash -c "${cmd//8080/$(cat "$port_file")}" 2>/dev/null
}
check "the Dockerfile's HEALTHCHECK passes on a running confab and fails without one" healthcheck

echo "$passed passed, $failed failed"
((failed == 0))
