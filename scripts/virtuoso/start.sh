#!/usr/bin/env bash
# Start Debian's Virtuoso 7.2 (virtuoso-opensource) for careergraph, bound to 127.0.0.1 only.
#
#   scripts/virtuoso/start.sh DIR [HTTP_PORT]
#
# DIR holds the database (created if missing; use a scratch folder), HTTP_PORT defaults to 8890,
# the SQL port to HTTP_PORT+1 (or $VIRTUOSO_SQL_PORT). The dba password is set before the server
# first listens: $VIRTUOSO_DBA_PASSWORD, else a random one. A user 'careergraph' with the
# SPARQL_UPDATE role (password $VIRTUOSO_PASSWORD, else random) can write through the digest-auth
# endpoints /sparql-auth and /sparql-graph-crud-auth; anonymous /sparql is read-only.
# Waits until /sparql answers, then prints shell 'export' lines (eval them) and leaves DIR/server.env
# for stop.sh. Exit status is non-zero if the server did not come up within $VIRTUOSO_WAIT seconds.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DIR [HTTP_PORT]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
http_port=${2:-8890}
sql_port=${VIRTUOSO_SQL_PORT:-$((http_port + 1))}
wait_s=${VIRTUOSO_WAIT:-60}
# the most rows one SPARQL result may hold (Virtuoso's own default, 10000, is too few for O*NET)
max_rows=${VIRTUOSO_MAX_ROWS:-1000000}

for tool in virtuoso-t isql-vt curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "error: $tool not found; install it with: apt-get install -y virtuoso-opensource curl" >&2
        exit 1
    fi
done

# Virtuoso 7.2 silently refuses logins with passwords longer than 16 characters
random_password() { od -An -tx1 -N8 /dev/urandom | tr -d ' \n'; }

if [[ -f "$dir/server.env" ]]; then
    # a database made by an earlier run keeps its passwords
    # shellcheck disable=SC1091
    source "$dir/server.env"
    dba_password=$VIRTUOSO_DBA_PASSWORD
    user_password=$VIRTUOSO_PASSWORD
    fresh=0
else
    dba_password=${VIRTUOSO_DBA_PASSWORD:-$(random_password)}
    user_password=${VIRTUOSO_PASSWORD:-$(random_password)}
    fresh=1
fi
if (( ${#dba_password} > 16 || ${#user_password} > 16 )); then
    echo "error: Virtuoso 7.2 accepts passwords of at most 16 characters" >&2
    exit 2
fi

sed -e "s#@DIR@#$dir#g" -e "s#@SQL_PORT@#$sql_port#g" -e "s#@HTTP_PORT@#$http_port#g" \
    -e "s#@MAX_ROWS@#$max_rows#g" \
    "$here/virtuoso.ini.in" > "$dir/virtuoso.ini"

if [[ $fresh == 1 ]]; then
    # create the database and replace the default dba/dav passwords before anything listens
    if ! virtuoso-t +configfile "$dir/virtuoso.ini" +foreground +checkpoint-only \
        +pwdold dba +pwddba "$dba_password" +pwddav "$dba_password" > "$dir/init.out" 2>&1; then
        echo "error: Virtuoso could not create its database in $dir; see $dir/init.out" >&2
        exit 1
    fi
fi

(umask 077 && cat > "$dir/server.env" <<ENV
VIRTUOSO_HTTP_PORT=$http_port
VIRTUOSO_SQL_PORT=$sql_port
VIRTUOSO_DBA_PASSWORD=$dba_password
VIRTUOSO_PASSWORD=$user_password
ENV
)

setsid virtuoso-t +configfile "$dir/virtuoso.ini" +foreground > "$dir/server.out" 2>&1 < /dev/null &
echo $! > "$dir/virtuoso.pid"

deadline=$((SECONDS + wait_s))
until curl -fsS -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 2>/dev/null; do
    if ! kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null; then
        echo "error: Virtuoso exited while starting; see $dir/server.out and $dir/virtuoso.log" >&2
        exit 1
    fi
    if (( SECONDS > deadline )); then
        echo "error: Virtuoso did not answer on 127.0.0.1:$http_port within ${wait_s}s" >&2
        exit 1
    fi
    sleep 0.5
done

if [[ $fresh == 1 ]]; then
    status=0
    isql-vt "$sql_port" dba "$dba_password" > "$dir/setup.out" 2>&1 <<SQL || status=$?
DB.DBA.USER_CREATE('careergraph', '$user_password');
GRANT SPARQL_UPDATE TO "careergraph";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('careergraph', 7);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);
SQL
    if [[ $status != 0 ]] || grep -q '\*\*\* Error' "$dir/setup.out"; then
        echo "error: setting up the careergraph user failed; see $dir/setup.out" >&2
        exit 1
    fi
fi

cat <<OUT
export CAREERGRAPH_TEST_VIRTUOSO=http://127.0.0.1:$http_port/sparql
export CAREERGRAPH_TEST_VIRTUOSO_UPDATE=http://127.0.0.1:$http_port/sparql-auth
export CAREERGRAPH_TEST_VIRTUOSO_GSP=http://127.0.0.1:$http_port/sparql-graph-crud-auth
export CAREERGRAPH_TEST_VIRTUOSO_USER=careergraph
export CAREERGRAPH_TEST_VIRTUOSO_PASSWORD=$user_password
OUT
