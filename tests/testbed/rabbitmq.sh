#!/usr/bin/env bash
# A throw-away RabbitMQ node on loopback for the tests, isolated from any system one: its
# own node name, data directory, epmd and distribution ports.
#   rabbitmq.sh start DIR PORT   -> prints the amqp:// URL once the broker accepts connections;
#                                   DIR/amqps-url and DIR/tls/ca.pem are its TLS listener and CA
#   rabbitmq.sh stop DIR         -> stops the node and its epmd
#   rabbitmq.sh ctl DIR ARGS...  -> rabbitmqctl against the node (e.g. stop_app, start_app,
#                                   close_all_connections, list_queues)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2

load_env() {
  # shellcheck disable=SC1091
  source "$dir/env"
  export HOME="$dir" RABBITMQ_NODENAME RABBITMQ_NODE_IP_ADDRESS RABBITMQ_NODE_PORT RABBITMQ_DIST_PORT \
    ERL_EPMD_PORT ERL_EPMD_ADDRESS RABBITMQ_MNESIA_BASE RABBITMQ_LOG_BASE RABBITMQ_CONFIG_FILE \
    RABBITMQ_ENABLED_PLUGINS_FILE RABBITMQ_PID_FILE RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS RABBITMQ_CTL_ERL_ARGS
}

ctl() { /usr/lib/rabbitmq/bin/rabbitmqctl "$@"; }

# Stops the node and its epmd (after load_env).
stop_node() {
  ctl stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 || true
  epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

case $action in
  start)
    port=$1
    cat >"$dir/env" <<ENV
RABBITMQ_NODENAME=domainscan-test-$port@localhost
RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
RABBITMQ_NODE_PORT=$port
RABBITMQ_DIST_PORT=$(python3 "$here/free-port.py")
ERL_EPMD_PORT=$(python3 "$here/free-port.py")
ERL_EPMD_ADDRESS=127.0.0.1
RABBITMQ_MNESIA_BASE=$dir/mnesia
RABBITMQ_LOG_BASE=$dir/log
RABBITMQ_CONFIG_FILE=$dir/rabbitmq
RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
RABBITMQ_PID_FILE=$dir/rabbitmq.pid
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
ENV
    # A TLS listener beside the plain one, with a test CA made for the occasion (amqps://).
    tls_port=$(python3 "$here/free-port.py")
    mkdir -p "$dir/tls"
    (
      cd "$dir/tls"
      openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=domainscan test CA" \
        -keyout ca.key -out ca.pem >/dev/null 2>&1
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
      printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext \
        -out server.pem >/dev/null 2>&1
      chmod 644 server.key
    )
    echo "amqps://guest:guest@localhost:$tls_port/" >"$dir/amqps-url"
    cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
listeners.ssl.default = 127.0.0.1:$tls_port
ssl_options.cacertfile = $dir/tls/ca.pem
ssl_options.certfile = $dir/tls/server.pem
ssl_options.keyfile = $dir/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
disk_free_limit.absolute = 50MB
log.file.level = warning
CONF
    echo "[]." >"$dir/enabled_plugins"
    load_env
    nohup /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/server.log" 2>&1 &
    if ! ctl wait --timeout 120 "$RABBITMQ_PID_FILE" >/dev/null 2>&1; then
      echo "rabbitmq.sh: the broker did not start; see $dir/server.log" >&2
      tail -20 "$dir/server.log" >&2
      exit 1
    fi
    # RabbitMQ boots even when it cannot bind a listener (another process took the port
    # since it was picked): then a client reaches that other process instead. Say so here.
    for p in "$port" "$tls_port"; do
      if ! /usr/lib/rabbitmq/bin/rabbitmq-diagnostics -q check_port_listener "$p" >/dev/null 2>&1; then
        echo "rabbitmq.sh: the broker has no listener on 127.0.0.1:$p (taken by another process?)" >&2
        grep -A3 "Failed to start Ranch listener" "$dir"/log/*@localhost.log >&2 || true
        stop_node
        exit 1
      fi
    done
    echo "amqp://guest:guest@127.0.0.1:$port/"
    ;;
  stop)
    [[ -f $dir/env ]] || exit 0
    load_env
    stop_node
    ;;
  ctl)
    load_env
    ctl "$@"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR | ctl DIR ARGS..." >&2; exit 2 ;;
esac
