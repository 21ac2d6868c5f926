#!/usr/bin/env bash
# Times `hush vault get` on a vault of N entries (default 10000).
# Usage: scripts/vault-bench.sh [path/to/hush] [N]
set -eu
HUSH=$(cd "$(dirname "${1:-.build/release/hush}")" && pwd)/$(basename "${1:-.build/release/hush}")
N=${2:-10000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export HUSH_STATE_DIR="$WORK/state" XDG_CONFIG_HOME="$WORK/config" HUSH_PASSPHRASE=bench-passphrase
"$HUSH" keygen -o "$WORK/id.txt" > "$WORK/recipient"
"$HUSH" vault init -r "$(cat "$WORK/recipient")" --passphrase > /dev/null
# Fill the vault in one write through `hush vault edit`, with an "editor" that writes N entries.
cat > "$WORK/fill.sh" <<FILL
#!/bin/sh
python3 -c 'import json,sys; json.dump({"SECRET_%05d" % i: "value-%d-%s" % (i, "x" * 40) for i in range($N)}, open(sys.argv[1], "w"))' "\$1"
FILL
chmod +x "$WORK/fill.sh"
EDITOR="$WORK/fill.sh" "$HUSH" vault edit --identity "$WORK/id.txt"
ls -l .hush/vault.yaml
test "$("$HUSH" vault get --identity "$WORK/id.txt" SECRET_05000)" = "value-5000-$(printf 'x%.0s' $(seq 40))"
bench() {  # label, then the command; prints the mean wall time of 20 runs after 2 warm-ups
    local label=$1; shift
    "$@" > /dev/null; "$@" > /dev/null
    local start end
    start=$(date +%s%N)
    for _ in $(seq 20); do "$@" > /dev/null; done
    end=$(date +%s%N)
    echo "$label: $(( (end - start) / 20000000 )) ms per run (mean of 20)"
}
bench "get, identity (X25519) unlock, $N entries" "$HUSH" vault get --identity "$WORK/id.txt" SECRET_05000
bench "get, passphrase unlock (scrypt 2^18), $N entries" env HUSH_IDENTITY= "$HUSH" vault get SECRET_05000
