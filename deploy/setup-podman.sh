#!/usr/bin/env bash
# Installs rootful podman and what the deployment needs around it (compose tools, Debian's docker-registry,
# debootstrap for deploy/local-base-image.sh), and makes podman work on machines like the project's CI VM:
# Debian 12, cgroup v1 "hybrid", no CAP_SYS_RESOURCE. Idempotent and non-interactive; about 1 s when everything
# is already there.
# Usage: deploy/setup-podman.sh          (as root; CI runs it before deploy/local-base-image.sh)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
exec </dev/null
log() { echo "setup-podman: $*" >&2; }

packages=(podman runc crun conmon netavark aardvark-dns catatonit slirp4netns uidmap containers-storage
  golang-github-containers-common iptables debootstrap podman-compose docker-compose docker-registry
  curl netcat-openbsd)

# Only the packages dpkg does not already report installed go to apt, so a second run does not touch apt at all.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  # Other jobs on the machine may hold the dpkg lock for a while; wait for it instead of failing.
  apt_opts=(-y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ] \
     || ! apt-get install --simulate -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq -o DPkg::Lock::Timeout=600
  fi
  apt-get install "${apt_opts[@]}" "${missing[@]}" >/dev/null
fi

# Writes a file only when its content changes, so a second run leaves podman's configuration untouched.
write_if_changed() { # PATH (content on stdin)
  local tmp; tmp=$(mktemp)
  cat > "$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; return; fi
  mkdir -p "$(dirname "$1")"; mv "$tmp" "$1"; chmod 644 "$1"; log "wrote $1"
}

# 1) crun 1.8 refuses "cgroups in hybrid mode" when the v2 tree holds a controller (hugetlb here): use runc.
# 2) podman's default rlimits (nofile 1048576, nproc 4194304) cannot be set without CAP_SYS_RESOURCE
#    ("setrlimit `RLIMIT_NOFILE`: Operation not permitted"): stay under the machine's hard limits.
hard_nofile=$(ulimit -Hn); nofile=16384
if [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt $nofile ]; then nofile=$hard_nofile; fi
hard_nproc=$(ulimit -Hu); nproc=16384
if [ "$hard_nproc" != unlimited ] && [ "$hard_nproc" -lt $nproc ]; then nproc=$hard_nproc; fi
write_if_changed /etc/containers/containers.conf <<CONF
# written by CoordAspire's deploy/setup-podman.sh
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

# deploy/local-base-image.sh serves base images from Debian's docker-registry on 127.0.0.1:5000, plain HTTP.
write_if_changed /etc/containers/registries.conf.d/50-localhost-5000.conf <<'CONF'
# written by CoordAspire's deploy/setup-podman.sh: the local registry of deploy/local-base-image.sh
[[registry]]
location = "localhost:5000"
insecure = true

[[registry]]
location = "127.0.0.1:5000"
insecure = true
CONF

podman info --format 'podman {{.Version.Version}}: runtime={{.Host.OCIRuntime.Name}} cgroups={{.Host.CgroupsVersion}} storage={{.Store.GraphDriverName}} network={{.Host.NetworkBackend}}' >&2
