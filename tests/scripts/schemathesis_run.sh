#!/usr/bin/env bash
# Schemathesis against a scratch instance: gunicorn (KB_DEBUG=0) on a free port, a SQLite
# database, media, static files and index under a temp folder, the samples/ articles imported
# and indexed. Every operation of /api/schema/ is called with generated requests (valid and
# invalid ones), twice: with the DRF token of a publisher, then of a staff user (who also gets
# the staff-only figures); each response is checked: no 5xx, a status the schema documents,
# its content type and its body against the schema.
#
#   tests/scripts/schemathesis_run.sh                  # bounded: well under a minute
#   KB_SCHEMATHESIS_EXAMPLES=200 tests/scripts/schemathesis_run.sh --seed 1   # more cases
#
# Arguments are passed on to `schemathesis run`. Exits non-zero when a check failed in either
# pass. The server's log (tracebacks of any 5xx) and the JUnit reports are kept in
# $KB_SCHEMATHESIS_REPORTS (default var/schemathesis), with the access log and schemathesis'
# cache of failures. One schemathesis worker: Python 3.11's ast.parse, which Hypothesis calls to
# describe strategies, is not safe in two threads at once (SystemError "AST constructor
# recursion depth mismatch", fixed in 3.12).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
BIN="${BIN:-$ROOT/.venv/bin}"
# Bounded by examples: with --max-time schemathesis would keep fuzzing until the time is spent.
EXAMPLES="${KB_SCHEMATHESIS_EXAMPLES:-30}"   # per operation and phase
REPORTS="${KB_SCHEMATHESIS_REPORTS:-$ROOT/var/schemathesis}"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kb-schemathesis.XXXXXX")"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT INT TERM
mkdir -p "$REPORTS"

export DJANGO_SETTINGS_MODULE=kb.settings KB_DEBUG=0 KB_LOG_LEVEL=WARNING PYTHONUNBUFFERED=1
export KB_SECRET_KEY="schemathesis-scratch-instance-$(od -An -tx8 -N16 /dev/urandom | tr -d ' \n')"
export KB_DATABASE_URL="sqlite:///$scratch/kb.sqlite3"
export KB_MEDIA_ROOT="$scratch/media" KB_STATIC_ROOT="$scratch/static" KB_INDEX_DIR="$scratch/index"
manage() { "$BIN/python" manage.py "$@"; }

echo "== scratch instance in $scratch"
manage migrate --no-input -v 0
manage collectstatic --no-input -v 0
manage import_articles samples >/dev/null
manage run_indexer --once >/dev/null
password="$(od -An -tx8 -N16 /dev/urandom | tr -d ' \n')-Pw"
KB_PASSWORD="$password" manage add_user publisher --role publisher >/dev/null
DJANGO_SUPERUSER_PASSWORD="$password" manage createsuperuser --no-input --username staff --email staff@example.com >/dev/null
token_of() { manage drf_create_token "$1" 2>/dev/null | grep -o '[0-9a-f]\{40\}'; }

port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# No limit on the request line: fuzzed query strings run past gunicorn's 4,094 bytes, and its
# 414 (answered before the application sees the request) is not the application's to document;
# the application itself must answer any length without a 5xx.
"$BIN/gunicorn" kb.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 60 --no-control-socket --limit-request-line 0 \
    --access-logfile "$REPORTS/access.log" >"$REPORTS/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"

status=0
for user in publisher staff; do
    echo "== schemathesis as $user: at most $EXAMPLES examples per operation and phase"
    token="$(token_of "$user")"
    # Run from the reports folder: schemathesis keeps its cache of failures (replayed first next
    # time) in ./.schemathesis.
    (cd "$REPORTS" && "$BIN/schemathesis" --config-file "$ROOT/tests/scripts/schemathesis.toml" \
        run "$base/api/schema/" \
        --header "Authorization: Token $token" \
        --checks "$CHECKS" \
        --max-examples "$EXAMPLES" \
        --phases examples,coverage,fuzzing \
        --wait-for-schema 30 --request-timeout 30 --workers 1 \
        --report junit --report-junit-path "$REPORTS/junit-$user.xml" \
        "$@") || status=1
done

if grep -q "Internal Server Error" "$REPORTS/server.log"; then
    echo "== server errors logged (tracebacks in $REPORTS/server.log):"
    grep "Internal Server Error" "$REPORTS/server.log" | sort | uniq -c
fi
exit "$status"
