#!/usr/bin/env bash
# Removes whatever the deployment tests (tests/CoordAspire.Deploy.Tests) may have left behind after a crash of the
# test host: the compose project "coorddeploytest"'s containers, its network and its volumes, and the throw-away
# containers and volumes of the image tests. Touches nothing else. test.sh runs it after the tests, always.
set -uo pipefail
command -v podman >/dev/null || exit 0
project=coorddeploytest
ids=$(podman ps -aq --filter "label=io.podman.compose.project=$project"; podman ps -aq --filter "name=^$project-")
[ -z "$ids" ] || podman rm -f -t 0 $ids >/dev/null
podman network rm -f "${project}_coord" >/dev/null 2>&1 || true
vols=$(podman volume ls -q --filter "label=io.podman.compose.project=$project"; podman volume ls -q | grep "^$project-" || true)
[ -z "$vols" ] || podman volume rm -f $vols >/dev/null
exit 0
