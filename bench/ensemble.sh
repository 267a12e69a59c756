#!/usr/bin/env bash
# A 3-server ensemble on loopback, Apache ZooKeeper's (Debian's zookeeper package) or ours (the CoordAspire Node),
# started from the very same zoo.cfg files: one per member with its own dataDir holding myid, and the same
# server.N=127.0.0.1:quorumPort:electionPort;127.0.0.1:clientPort lines. Adapted from the shared zk-ensemble.sh.
#
#   bench/ensemble.sh start apache|coordaspire [DIR]   start the three members and wait until one leads, two follow
#   bench/ensemble.sh stop [DIR]                       SIGTERM, then SIGKILL what is left; keeps DIR
#   bench/ensemble.sh status [DIR]                     each member's Mode (srvr), pid and resident memory
#   bench/ensemble.sh pids [DIR]                       the members' pids, comma-separated (for coord-load --server-pids)
#
# DIR defaults to /tmp/coord-ensemble. Ports: client 2181-2183, quorum 2888-2890, election 3888-3890; move them all with
# PORT_OFFSET (e.g. PORT_OFFSET=10000: 12181-12183, ...). Settings: TICK_TIME (2000), INIT_LIMIT (10), SYNC_LIMIT (5),
# the same for both servers; fsync stays on (forceSync=yes, the default of both). maxClientCnxns=0 lifts the limit of 60
# connections per client address, for the many-sessions workload. JAVA_HEAP (512m) is the Apache JVM's -Xmx, as in the
# shared zk-ensemble.sh the reference numbers were measured with. EXTRA_CFG holds more zoo.cfg lines for every member
# (e.g. EXTRA_CFG=$'localSessionsEnabled=true\nlocalSessionsUpgradingEnabled=true').
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cmd=${1:-}
offset=${PORT_OFFSET:-0}

client_port() { echo $((2180 + $1 + offset)); }
quorum_port() { echo $((2887 + $1 + offset)); }
election_port() { echo $((3887 + $1 + offset)); }

# srvr on a client port; empty when nothing answers.
srvr() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf srvr >&3 && cat <&3" 2>/dev/null || true
}
mode() { srvr "$1" | sed -n 's/^Mode: //p' | tr -d '\r'; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }

start() {
  local kind=$1 base=$2
  case "$kind" in apache|coordaspire) ;; *) echo "ensemble.sh: start apache|coordaspire [DIR]" >&2; exit 2 ;; esac
  for i in 1 2 3; do
    for port in "$(client_port $i)" "$(quorum_port $i)" "$(election_port $i)"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "ensemble.sh: port $port is in use (another ensemble? PORT_OFFSET moves ours)" >&2; exit 1
      fi
    done
  done
  local classpath="" node_dll="$repo/Node/bin/Release/net10.0/CoordAspire.Node.dll"
  if [ "$kind" = apache ]; then
    [ -f /usr/share/java/zookeeper.jar ] || { echo "ensemble.sh: Debian's zookeeper package is missing (apt-get install zookeeper)" >&2; exit 1; }
    # zookeeper.jar names its dependencies in its manifest; slf4j-simple logs at INFO, as our Node does.
    classpath="/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-simple.jar"
  else
    [ -f "$node_dll" ] || { echo "ensemble.sh: build the Node first: dotnet build Node -c Release" >&2; exit 1; }
  fi
  rm -rf "$base"; mkdir -p "$base"
  echo "$kind" > "$base/kind"
  for i in 1 2 3; do
    local d=$base/$i
    mkdir -p "$d/data"; echo $i > "$d/data/myid"
    {
      echo "tickTime=${TICK_TIME:-2000}"
      echo "initLimit=${INIT_LIMIT:-10}"
      echo "syncLimit=${SYNC_LIMIT:-5}"
      echo "dataDir=$d/data"
      echo "clientPort=$(client_port $i)"
      echo "clientPortAddress=127.0.0.1"
      echo "maxClientCnxns=0"
      echo "4lw.commands.whitelist=*"
      echo "admin.enableServer=false"
      for j in 1 2 3; do
        echo "server.$j=127.0.0.1:$(quorum_port $j):$(election_port $j);127.0.0.1:$(client_port $j)"
      done
      if [ -n "${EXTRA_CFG:-}" ]; then printf '%s\n' "$EXTRA_CFG"; fi
    } > "$d/zoo.cfg"
    # Each server runs in an empty directory of its own: the Node's host watches its working directory (appsettings
    # reload), and a dataDir below it would turn every txn log write into file-change events to read.
    mkdir -p "$d/cwd"
    if [ "$kind" = apache ]; then
      (cd "$d/cwd" && exec nohup java "-Xmx${JAVA_HEAP:-512m}" -Dzookeeper.log.dir="$d" -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
        -cp "$classpath" org.apache.zookeeper.server.quorum.QuorumPeerMain "$d/zoo.cfg" > "$d/out.log" 2>&1 < /dev/null) &
    else
      (cd "$d/cwd" && exec nohup dotnet "$node_dll" "$d/zoo.cfg" > "$d/out.log" 2>&1 < /dev/null) &
    fi
    echo $! > "$d/pid"
    echo $! > "$base/pid-$(client_port $i)"
  done
  wait_serving "$base"
}

# Until every member serves, one as leader: 60 s at most.
wait_serving() {
  local base=$1 deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    local modes="" i
    for i in 1 2 3; do modes="$modes $(mode "$(client_port $i)")"; done
    if [ "$(echo "$modes" | tr ' ' '\n' | grep -c '^leader$')" = 1 ] && [ "$(echo "$modes" | tr ' ' '\n' | grep -c '^follower$')" = 2 ]; then
      return 0
    fi
    for i in 1 2 3; do
      if ! kill -0 "$(cat "$base/$i/pid")" 2>/dev/null; then
        echo "ensemble.sh: server.$i exited; the end of its log:" >&2; tail -20 "$base/$i/out.log" >&2; exit 1
      fi
    done
    sleep 0.2
  done
  echo "ensemble.sh: the ensemble did not serve within 60 s (modes:$modes)" >&2; exit 1
}

stop() {
  local base=$1 i pid
  for i in 1 2 3; do
    [ -f "$base/$i/pid" ] || continue
    pid=$(cat "$base/$i/pid")
    kill "$pid" 2>/dev/null || true
  done
  for i in 1 2 3; do
    [ -f "$base/$i/pid" ] || continue
    pid=$(cat "$base/$i/pid")
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$base/$i/pid"
  done
}

status() {
  local base=$1 i pid
  for i in 1 2 3; do
    pid=$(cat "$base/$i/pid" 2>/dev/null || echo "")
    printf 'server.%s  client port %s  mode %-9s pid %-8s rss %s MB\n' "$i" "$(client_port $i)" "$(mode "$(client_port $i)")" "${pid:--}" \
      "$( [ -n "$pid" ] && rss_mb "$pid" || echo -)"
  done
}

case "$cmd" in
  start) start "${2:-}" "${3:-/tmp/coord-ensemble}" ;;
  stop) stop "${2:-/tmp/coord-ensemble}" ;;
  status) status "${2:-/tmp/coord-ensemble}" ;;
  pids) base=${2:-/tmp/coord-ensemble}; cat "$base"/1/pid "$base"/2/pid "$base"/3/pid | paste -sd, ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
