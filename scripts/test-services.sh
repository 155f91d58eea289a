# Sourced by `make test`: point the tests at PostgreSQL and Redis when they answer on their
# default local ports (or wherever DATABASE_URL / REDIS_URL already point). With
# REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run instead of letting
# the tests fall back to SQLite and skip the Redis integration tests.

_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ] && _port_open 127.0.0.1 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/factcheck"
fi
if [ -z "${REDIS_URL:-}" ] && _port_open 127.0.0.1 6379; then
  export REDIS_URL="redis://127.0.0.1:6379/0"
fi

if [ "${REQUIRE_SERVICES:-0}" = "1" ]; then
  case "${DATABASE_URL:-}" in
    postgres*) ;;
    *) echo "REQUIRE_SERVICES=1 but PostgreSQL is not reachable (DATABASE_URL unset)" >&2; return 1 ;;
  esac
  [ -n "${REDIS_URL:-}" ] || { echo "REQUIRE_SERVICES=1 but Redis is not reachable" >&2; return 1; }
fi
echo "tests: database ${DATABASE_URL:-sqlite (default)}, broker ${REDIS_URL:-none (Redis tests skip)}"
