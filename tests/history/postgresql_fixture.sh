#!/usr/bin/env bash
# Starts (or stops) a private PostgreSQL server on loopback for the history tests: a ctest fixture.
#
# Usage: postgresql_fixture.sh start|stop STATE_DIR
#   start  initdb into a fresh temporary directory, pg_ctl start on a free port of 127.0.0.1, and
#          write the server's URL to STATE_DIR/url. As root, the server runs as the postgres user
#          (PostgreSQL refuses to run as root). Fails, saying why, when anything goes wrong.
#   stop   stops that server and removes its directory.
set -euo pipefail

action="${1:?usage: postgresql_fixture.sh start|stop STATE_DIR}"
state="${2:?usage: postgresql_fixture.sh start|stop STATE_DIR}"
mkdir -p "$state"

as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_server_user=(runuser -u postgres --)
fi

server_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgresql fixture: no PostgreSQL server under /usr/lib/postgresql; run ci/setup" >&2
    exit 1
  fi
  echo "$bin"
}

stop_server() {
  if [ -f "$state/data_dir" ]; then
    local data bin
    data="$(cat "$state/data_dir")"
    bin="$(server_bin)"
    "${as_server_user[@]}" "$bin/pg_ctl" -D "$data/cluster" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    rm -f "$state/data_dir" "$state/url"
  fi
}

case "$action" in
  start)
    stop_server  # a server left over from an interrupted run
    bin="$(server_bin)"
    data="$(mktemp -d /tmp/metron-postgresql-XXXXXX)"
    echo "$data" >"$state/data_dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres "$data"
    fi
    port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if ! "${as_server_user[@]}" "$bin/initdb" -D "$data/cluster" -U metron --auth=trust \
           --encoding=UTF8 --no-sync >"$state/initdb.log" 2>&1; then
      echo "postgresql fixture: initdb failed:" >&2
      cat "$state/initdb.log" >&2
      exit 1
    fi
    if ! "${as_server_user[@]}" "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w -t 60 \
           -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
      echo "postgresql fixture: the server did not start on 127.0.0.1:$port:" >&2
      cat "$data/server.log" >&2
      exit 1
    fi
    "${as_server_user[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U metron metron_test
    echo "postgresql://metron@127.0.0.1:$port/metron_test" >"$state/url"
    echo "postgresql fixture: $(cat "$state/url") (data in $data)"
    ;;
  stop)
    stop_server
    ;;
  *)
    echo "usage: postgresql_fixture.sh start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
