#!/usr/bin/env bash
# Stop a Virtuoso started by start.sh:  scripts/virtuoso/stop.sh DIR [--delete]
# Shuts it down cleanly (isql-vt ... -K), waits for the process to end; --delete then removes DIR.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DIR [--delete]" >&2
    exit 2
fi
dir=$1
if [[ ! -f "$dir/server.env" ]]; then
    echo "error: $dir/server.env not found; was the server started with start.sh $dir?" >&2
    exit 1
fi
# shellcheck disable=SC1091
source "$dir/server.env"
pid=$(cat "$dir/virtuoso.pid" 2>/dev/null || true)

if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    isql-vt "$VIRTUOSO_SQL_PORT" dba "$VIRTUOSO_DBA_PASSWORD" -K > /dev/null 2>&1 || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "warning: Virtuoso (pid $pid) ignored the shutdown request; terminating it" >&2
        kill "$pid"
    fi
fi
rm -f "$dir/virtuoso.pid"
if [[ "${2:-}" == "--delete" ]]; then
    rm -rf "$dir"
fi
