#!/usr/bin/env bash
# Services the integration tests need: a Virtuoso 7.2 on 127.0.0.1 (Debian's virtuoso-opensource).
#
#   eval "$(scripts/ci_services.sh start)"   # installs if missing, starts, prints 'export' lines
#   scripts/ci_services.sh stop              # shuts it down and removes its scratch database
#
# The exported variables (CAREERGRAPH_TEST_VIRTUOSO, ..._UPDATE, ..._GSP, ..._USER, ..._PASSWORD)
# switch on the tests marked 'virtuoso'; without them those tests skip.
# $CAREERGRAPH_CI_VIRTUOSO_DIR (default /tmp/careergraph-ci-virtuoso) and
# $CAREERGRAPH_CI_VIRTUOSO_PORT (default 8890) choose where and on which port.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${CAREERGRAPH_CI_VIRTUOSO_DIR:-/tmp/careergraph-ci-virtuoso}
port=${CAREERGRAPH_CI_VIRTUOSO_PORT:-8890}

case "${1:-}" in
    start)
        if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null; then
            echo "installing virtuoso-opensource ..." >&2
            export DEBIAN_FRONTEND=noninteractive
            {
                apt-get update -q && apt-get install -y -q --no-install-recommends \
                    virtuoso-opensource curl
            } >&2
        fi
        # a database left by an earlier run is thrown away: every run starts empty
        if [[ -d "$dir" ]]; then
            "$here/virtuoso/stop.sh" "$dir" --delete >&2 || rm -rf "$dir"
        fi
        "$here/virtuoso/start.sh" "$dir" "$port"
        ;;
    stop)
        if [[ -d "$dir" ]]; then
            "$here/virtuoso/stop.sh" "$dir" --delete
        fi
        ;;
    *)
        echo "usage: $0 start|stop" >&2
        exit 2
        ;;
esac
