#!/usr/bin/env bash
# The test command: installs what the tests need (Apache ZooKeeper from Debian, the reference we test
# against), builds, runs every test project, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -f /usr/share/java/zookeeper.jar ]; then
  echo "test.sh: installing Debian's zookeeper package (the reference server and Java client)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q zookeeper >/dev/null \
    || { echo "test.sh: could not install zookeeper"; echo "0 passed, 1 failed"; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$(mktemp -d)
dotnet build CoordAspire.sln -c Release -nologo -v q -clp:ErrorsOnly
build=$?
status=$build
if [ $build -eq 0 ]; then
  dotnet test CoordAspire.sln -c Release --no-build -nologo -v q \
    --logger "trx" --results-directory "$results" "$@"
  status=$?
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ $build -ne 0 ]; then failed=$((failed + 1)); echo "test.sh: the build failed"; fi
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; echo "test.sh: dotnet test failed without a failed test (crash or timeout)"; fi
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
