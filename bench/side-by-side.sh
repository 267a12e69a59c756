#!/usr/bin/env bash
# Apache ZooKeeper and CoordAspire side by side on this machine: the same 3-server loopback ensemble (bench/ensemble.sh,
# the same zoo.cfg for both, fsync on), never both at once, the same coord-load workloads against each in alternation
# (round 1: Apache, ours; round 2: Apache, ours; ...), resident memory per server sampled from /proc, the failover gap
# measured by killing the leader under a write load, and a table of ratios (ours / Apache) with the machine described.
#
#   bench/side-by-side.sh [--rounds N] [--duration S] [--warmup S] [--workloads "LIST"] [--out DIR] [--publish] [--quick]
#
#   --rounds N        rounds of A B (default 2)
#   --duration S      measured seconds per workload (default 20)
#   --warmup S        unmeasured seconds before each (default 5)
#   --workloads LIST  default "sync-set set get mixed watch ephemeral sessions create failover" (failover always last)
#   --out DIR         where the reports go (default artifacts/side-by-side/DATE)
#   --publish         write the table, the machine and the plot into docs/performance.md and docs/performance.png
#   --quick           a smoke run: 1 round, 3 s per workload, 1 s warm-up
#   --replot DIR      no runs: the table, plot and report again from the reports of an earlier run in DIR
#
# Load shape (environment): CONNECTIONS (4), IN_FLIGHT (500), VALUE_SIZE (100), SESSIONS (1000), FAILOVER_IN_FLIGHT (50).
# Ports and server settings: see bench/ensemble.sh (PORT_OFFSET, TICK_TIME, INIT_LIMIT, SYNC_LIMIT, JAVA_HEAP).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
command_line="$(for v in PORT_OFFSET CONNECTIONS IN_FLIGHT VALUE_SIZE SESSIONS FAILOVER_IN_FLIGHT TICK_TIME INIT_LIMIT SYNC_LIMIT JAVA_HEAP; do
  if [ -n "${!v:-}" ]; then printf '%s=%s ' "$v" "${!v}"; fi; done)bench/side-by-side.sh $*"

rounds=2 duration=20 warmup=5 publish=0 replot=0
workloads="sync-set set get mixed watch ephemeral sessions create failover"
out="artifacts/side-by-side/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --workloads) workloads=$2; shift ;;
    --out) out=$2; shift ;;
    --publish) publish=1 ;;
    --quick) rounds=1 duration=3 warmup=1 ;;
    --replot) replot=1 out=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
connections=${CONNECTIONS:-4} in_flight=${IN_FLIGHT:-500} value_size=${VALUE_SIZE:-100}
sessions=${SESSIONS:-1000} failover_in_flight=${FAILOVER_IN_FLIGHT:-50}
offset=${PORT_OFFSET:-0}
servers="127.0.0.1:$((2181 + offset)),127.0.0.1:$((2182 + offset)),127.0.0.1:$((2183 + offset))"
# failover last: it leaves the ensemble one member short.
workloads="$(echo "$workloads" | tr ' ' '\n' | grep -v '^failover$' | tr '\n' ' ')$(echo "$workloads" | tr ' ' '\n' | grep -x failover || true)"

say() { echo "side-by-side: $*" >&2; }

# --- what it needs: Debian's zookeeper (the reference) and gnuplot (the plot), as test.sh installs zookeeper ----------
install() {
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installing Debian's $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >/dev/null
}
[ -f /usr/share/java/zookeeper.jar ] || install zookeeper
command -v gnuplot >/dev/null || install gnuplot-nox || say "no gnuplot: the table is made, the plot is not"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say "building the Node and coord-load (Release)"
dotnet build Node/CoordAspire.Node.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build bench/CoordAspire.LoadTool/CoordAspire.LoadTool.csproj -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
tool=(dotnet "$repo/bench/CoordAspire.LoadTool/bin/Release/net10.0/coord-load.dll")

mkdir -p "$out/reports"
out=$(cd "$out" && pwd)
ensemble_dir="$out/ensemble"

# --- the machine --------------------------------------------------------------------------------------------------------
describe_machine() {
  local cpu dev fs disk fsync
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  read -r dev fs < <(df -T "$out" | awk 'NR == 2 { print $1, $2 }')
  disk=$(lsblk -dno SIZE,ROTA,MODEL "$dev" 2>/dev/null | awk '{ size = $1; rota = $2; $1 = ""; $2 = ""; gsub(/^ +/, ""); print size ", rotational flag " rota ($0 != "" ? ", " $0 : "") }')
  # What a synchronous 4 KiB write costs on that disk, into a file written before (both servers preallocate their
  # txn logs, so an append is an overwrite plus an fsync): the floor of a write's latency.
  dd if=/dev/zero of="$out/fsync.probe" bs=4k count=500 2>/dev/null; sync
  fsync=$(dd if=/dev/zero of="$out/fsync.probe" bs=4k count=500 oflag=dsync conv=notrunc 2>&1 | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) t = $(i-1); printf "%.2f ms per 4 KiB O_DSYNC write", t * 1000 / 500 }')
  rm -f "$out/fsync.probe"
  echo "| Machine | |"
  echo "| --- | --- |"
  echo "| CPU | ${cpu:-unknown}, $(nproc) cores available ($(grep -c ^processor /proc/cpuinfo) logical CPUs seen) |"
  echo "| RAM | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| Disk (data directories) | $fs on $dev${disk:+ ($disk)}; ${fsync:-fsync cost not measured} |"
  echo "| Kernel | $(uname -sr) |"
  echo "| .NET | $(dotnet --version) SDK, runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }') |"
  echo "| Java | $(java -version 2>&1 | head -1 | sed 's/"//g') |"
  echo "| Apache ZooKeeper | $(dpkg-query -W -f '${Version}' zookeeper 2>/dev/null || echo '?') (Debian), -Xmx${JAVA_HEAP:-512m} |"
  echo "| Server settings (both) | tickTime=${TICK_TIME:-2000} initLimit=${INIT_LIMIT:-10} syncLimit=${SYNC_LIMIT:-5}, fsync on, 3 servers on 127.0.0.1 |"
  echo "| Load shape | $connections connections × $in_flight in flight, $value_size-byte values, ${duration} s measured after ${warmup} s warm-up; sync-set 1 × 1; sessions $sessions × 1; failover $connections × $failover_in_flight |"
}

note_load() { cut -d' ' -f1 /proc/loadavg >> "$out/loads.txt"; }

# --- the runs -----------------------------------------------------------------------------------------------------------
run_workload() {
  local target=$1 round=$2 workload=$3 pids=$4
  local args=(run -s "$servers" -w "$workload" --label "$target" --round "$round" --server-pids "$pids"
    --warmup "${warmup}s" --progress plain --client-log info --json "$out/reports/$target-$round-$workload.json")
  case "$workload" in
    sync-set) args+=(-d "${duration}s") ;;
    sessions) args+=(-c "$sessions" -i 1 -d "${duration}s") ;;
    failover) args+=(-c "$connections" -i "$failover_in_flight" -v "$value_size"
      --kill-command "kill -9 \$(cat $ensemble_dir/pid-{port})") ;;
    *) args+=(-c "$connections" -i "$in_flight" -v "$value_size" -d "${duration}s") ;;
  esac
  note_load
  say "round $round, $target, $workload (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local text="$out/reports/$target-$round-$workload.txt"
  if ! "${tool[@]}" "${args[@]}" > "$text" 2>> "$out/$target-$round.progress"; then
    say "  $workload failed on $target (the progress lines: $out/$target-$round.progress)"
  fi
  sed 's/^/    /' "$text" >&2
  # Each server's own account (mntr: latencies, fsync times, ...), for a closer look afterwards.
  for server in ${servers//,/ }; do
    port=${server##*:}
    echo "== 127.0.0.1:$port"
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf mntr >&3 && cat <&3" 2>/dev/null || true
  done > "$out/reports/$target-$round-$workload.mntr"
}

trap 'bench/ensemble.sh stop "$ensemble_dir" >/dev/null 2>&1 || true' EXIT
if [ "$replot" = 1 ]; then
  command_line=$(cat "$out/command.txt") rounds=$(cat "$out/rounds.txt") measured_at=$(cat "$out/measured-at.txt")
  # shellcheck disable=SC1091
  [ -f "$out/shape.sh" ] && . "$out/shape.sh"
else
  echo "$command_line" > "$out/command.txt"; echo "$rounds" > "$out/rounds.txt"
  declare -p duration warmup connections in_flight value_size sessions failover_in_flight > "$out/shape.sh"
  measured_at=$(date -u '+%Y-%m-%d %H:%M UTC'); echo "$measured_at" > "$out/measured-at.txt"
fi
for round in $( [ "$replot" = 1 ] || seq "$rounds"); do
  for target in apache coordaspire; do
    say "round $round: starting $target's ensemble"
    bench/ensemble.sh start "$target" "$ensemble_dir"
    pids=$(bench/ensemble.sh pids "$ensemble_dir")
    sleep 2
    for pid in ${pids//,/ }; do awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$pid/status"; done \
      | paste -sd/ | sed "s|^|$target round $round idle RSS MB: |" >> "$out/idle-rss.txt"
    for workload in $workloads; do
      run_workload "$target" "$round" "$workload" "$pids"
    done
    bench/ensemble.sh stop "$ensemble_dir"
    cp "$ensemble_dir"/1/out.log "$out/$target-$round-server1.log" 2>/dev/null || true
  done
done

# --- the table and the plot ---------------------------------------------------------------------------------------------
"${tool[@]}" compare --plot "$out/ratios.dat" "$out/reports" > "$out/table.md"
if command -v gnuplot >/dev/null; then
  gnuplot <<GP
set terminal pngcairo size 1200,620 font "DejaVu Sans,10"
set output "$out/ratios.png"
set title "CoordAspire vs Apache ZooKeeper, ${measured_at%% *}: how many times better (3-server ensembles on one machine, same run)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set logscale y 2
set yrange [1/32.:128]
set ytics ("1/32" 1/32., "1/16" 1/16., "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "3" 3, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64, "128" 128)
set ylabel "times better than Apache ZooKeeper (log scale; below 1: worse)"
set xtics rotate by -30 left
set grid ytics
set key outside top center horizontal
set bmargin 9
set rmargin 16
plot "$out/ratios.dat" using 2:xtic(1) title "CoordAspire: ours / Apache for throughput, Apache / ours for latency, memory, failover gap" lc rgb "#3a6ea5", \
     "" using 0:2:(sprintf("%.2f", \$2)) with labels offset 0,0.8 notitle, \
     "" using 0:3 with points pt 9 ps 2 lc rgb "#c0392b" title "target", \
     1 with lines dt 2 lc rgb "black" title "parity"
GP
fi

{
  echo "Measured $measured_at by \`$command_line\` ($rounds round(s) of Apache ZooKeeper then CoordAspire;"
  echo "each cell is the median of the rounds, every round's value in brackets). 1-minute load average before each workload:"
  echo "$(sort -n "$out/loads.txt" | head -1)–$(sort -n "$out/loads.txt" | tail -1) (it counts the servers' and the tool's own threads too; 2 cores:"
  echo "the client and the three servers share them)."
  echo
  cat "$out/table.md"
  echo
  echo "Idle resident memory per server after start (MB): $(paste -sd';' "$out/idle-rss.txt" | sed 's/;/; /g')."
  echo
  describe_machine
} > "$out/report.md"
cat "$out/report.md"
say "reports in $out"

if [ "$publish" = 1 ]; then
  doc=docs/performance.md
  [ -f "$out/ratios.png" ] && cp "$out/ratios.png" docs/performance.png
  if grep -q '<!-- side-by-side:begin -->' "$doc" 2>/dev/null; then
    awk -v report="$out/report.md" '
      /<!-- side-by-side:begin -->/ { print; while ((getline line < report) > 0) print line; skip = 1; next }
      /<!-- side-by-side:end -->/ { skip = 0 }
      !skip' "$doc" > "$doc.new" && mv "$doc.new" "$doc"
    say "published into $doc and docs/performance.png"
  else
    say "$doc has no <!-- side-by-side:begin --> marker: nothing published"
  fi
fi
