#!/usr/bin/env bash
# Builds a .NET base image without any internet registry and serves it from a local one, for machines (like the
# project's CI VM) that cannot reach Microsoft's container registry:
#   localhost/coordaspire-base-debian:bookworm    debootstrap --variant=minbase bookworm from the apt mirror this
#                                                 host uses, imported with podman import
#   localhost/coordaspire-base-dotnet-aspnet:10.0 + ca-certificates libssl3 libicu72 tzdata, this machine's .NET
#                                                 runtime and ASP.NET Core runtime (the versions the SDK ships), user
#                                                 app (1654) and APP_UID, as Microsoft's aspnet image has them, so
#                                                 the SDK's container tooling runs the app as non-root
# and pushes the second to Debian's docker-registry on 127.0.0.1:5000 (started here when nothing answers there).
# The last line of stdout is the image's reference, for `deploy/images.sh --base-image REF`; progress goes to stderr.
# A second run is fast: nothing is rebuilt while the registry holds an image with this machine's runtime version.
# Usage: deploy/local-base-image.sh                  (as root, after deploy/setup-podman.sh)
#        deploy/local-base-image.sh --stop-registry  (stops the registry this script started, by its PID)
# Environment: COORD_BASE_WORK (scratch directory, default /var/tmp/coordaspire-base).
set -euo pipefail
exec </dev/null
WORK=${COORD_BASE_WORK:-/var/tmp/coordaspire-base}
REGISTRY=127.0.0.1:5000
REGISTRY_STATE=/var/tmp/coordaspire-registry
REPOSITORY=coordaspire-base/dotnet-aspnet
TAG=10.0
REF=localhost:5000/$REPOSITORY:$TAG
DEBIAN_IMAGE=localhost/coordaspire-base-debian:bookworm
ASPNET_IMAGE=localhost/coordaspire-base-dotnet-aspnet:$TAG
log() { echo "local-base-image: $*" >&2; }
timed() { local start=$SECONDS; "$@"; log "  $1 took $((SECONDS - start)) s"; }

if [ "${1:-}" = --stop-registry ]; then
  if [ -f "$REGISTRY_STATE/registry.pid" ] && kill "$(cat "$REGISTRY_STATE/registry.pid")" 2>/dev/null; then
    log "stopped the registry (pid $(cat "$REGISTRY_STATE/registry.pid"))"
  fi
  rm -f "$REGISTRY_STATE/registry.pid"
  exit 0
fi

# --- the registry: any registry already answering on 127.0.0.1:5000 serves as well as ours (same protocol) ---
if ! curl -sf "http://$REGISTRY/v2/" >/dev/null; then
  mkdir -p "$REGISTRY_STATE/storage"
  cat > "$REGISTRY_STATE/config.yml" <<CONF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_STATE/storage
  delete:
    enabled: true
http:
  addr: $REGISTRY
  secret: local-only
CONF
  # The package's own unit listens on :5000 with htpasswd auth (and policy-rc.d keeps it stopped): run our config.
  setsid nohup /usr/bin/docker-registry serve "$REGISTRY_STATE/config.yml" >"$REGISTRY_STATE/registry.log" 2>&1 &
  echo $! > "$REGISTRY_STATE/registry.pid"
  for _ in $(seq 1 40); do curl -sf "http://$REGISTRY/v2/" >/dev/null && break; sleep 0.25; done
  curl -sf "http://$REGISTRY/v2/" >/dev/null || { log "docker-registry did not start; see $REGISTRY_STATE/registry.log"; exit 1; }
  log "started docker-registry on $REGISTRY (pid $(cat "$REGISTRY_STATE/registry.pid"))"
fi

# --- the runtime version this machine's SDK ships (the image must run what `dotnet publish` targets) ---
DOTNET_DIR=$(dirname "$(readlink -f "$(command -v dotnet)")")
VER=$(ls "$DOTNET_DIR/shared/Microsoft.NETCore.App" | grep '^10\.' | sort -V | tail -1)
ASPNET_VER=$(ls "$DOTNET_DIR/shared/Microsoft.AspNetCore.App" | grep '^10\.' | sort -V | tail -1)
[ -n "$VER" ] && [ -n "$ASPNET_VER" ] || { log "no .NET 10 runtime beside $(command -v dotnet)"; exit 1; }

# The image in the registry is current when its config says DOTNET_VERSION=<this runtime>.
registry_version() {
  local manifest digest
  manifest=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$REPOSITORY/manifests/$TAG") || return 0
  # The first digest in a manifest is its config's ("config": {"mediaType": ..., "digest": ...} comes first).
  digest=$(printf '%s' "$manifest" | tr -d ' \n' | grep -o '"config":{[^}]*}' | grep -o 'sha256:[0-9a-f]*' | head -1)
  [ -n "$digest" ] || return 0
  curl -sf "http://$REGISTRY/v2/$REPOSITORY/blobs/$digest" | grep -o "DOTNET_VERSION=[0-9.]*" | head -1 | cut -d= -f2 || true
}
if [ "$(registry_version)" = "$VER" ]; then
  log "$REF already holds .NET $VER"
  echo "$REF"; exit 0
fi

local_version() { podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$ASPNET_IMAGE" 2>/dev/null \
  | sed -n 's/^DOTNET_VERSION=//p'; }

mkdir -p "$WORK"; cd "$WORK"
if [ "$(local_version)" != "$VER" ]; then
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  if ! podman image exists "$DEBIAN_IMAGE"; then
    log "debootstrap --variant=minbase bookworm from $MIRROR (about 30 s)"
    rm -rf rootfs
    timed sh -c "debootstrap --variant=minbase bookworm rootfs '$MIRROR' >debootstrap.log 2>&1" \
      || { log "debootstrap failed; see $WORK/debootstrap.log"; exit 1; }
    rm -rf rootfs/var/cache/apt/archives/*.deb rootfs/var/lib/apt/lists/*
    timed sh -c "tar -C rootfs -c . | podman import -q --change 'CMD [\"/bin/bash\"]' --change 'ENV LANG=C.UTF-8' - $DEBIAN_IMAGE >/dev/null"
  fi
  # apt resolves the image's missing packages against the image's own dpkg status.
  rm -rf status && mkdir -p status
  cid=$(podman create "$DEBIAN_IMAGE" true)
  podman cp "$cid:/var/lib/dpkg/status" status/status >/dev/null; podman rm "$cid" >/dev/null

  log "downloading ca-certificates libssl3 libicu72 tzdata for the image (on the host: the build has no network)"
  rm -rf debs && mkdir -p debs/partial
  apt-get install -qq --download-only -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
    -o Dir::State::status="$WORK/status/status" -o Dir::Cache::archives="$WORK/debs" \
    ca-certificates libssl3 libicu72 tzdata >/dev/null
  rm -rf debs/partial debs/lock

  # Only the runtime versions the SDK targets, not every one installed beside it.
  rm -rf rt && mkdir -p rt/dotnet/shared
  cp -a "$DOTNET_DIR"/{dotnet,host,LICENSE.txt,ThirdPartyNotices.txt} rt/dotnet/ 2>/dev/null || cp -a "$DOTNET_DIR"/{dotnet,host} rt/dotnet/
  mkdir -p rt/dotnet/shared/Microsoft.NETCore.App rt/dotnet/shared/Microsoft.AspNetCore.App
  cp -a "$DOTNET_DIR/shared/Microsoft.NETCore.App/$VER" rt/dotnet/shared/Microsoft.NETCore.App/
  cp -a "$DOTNET_DIR/shared/Microsoft.AspNetCore.App/$ASPNET_VER" rt/dotnet/shared/Microsoft.AspNetCore.App/

  # The environment is that of Microsoft's aspnet image (APP_UID makes the SDK set USER 1654; ports 8080).
  cat > Containerfile <<CF
FROM $DEBIAN_IMAGE
RUN apt-get install -y --no-install-recommends /debs/*.deb && apt-get clean \\
 && rm -rf /var/lib/apt/lists/* /var/log/dpkg.log /var/log/apt/* \\
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --home-dir /app --shell /bin/false app
COPY rt/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_ROOT=/usr/share/dotnet \\
    DOTNET_VERSION=$VER ASPNET_VERSION=$ASPNET_VER
LABEL org.opencontainers.image.title="CoordAspire local .NET base" org.opencontainers.image.version="$VER"
CMD ["dotnet", "--info"]
CF
  # --no-cache: podman's cache does not look at the mounted .debs.
  log "building $ASPNET_IMAGE (.NET $VER, ASP.NET Core $ASPNET_VER)"
  timed podman build -q --no-cache --network=none -v "$WORK/debs:/debs:ro" -f Containerfile -t "$ASPNET_IMAGE" . >/dev/null
fi

log "pushing $ASPNET_IMAGE to $REF"
timed podman push -q --tls-verify=false "$ASPNET_IMAGE" "docker://$REGISTRY/$REPOSITORY:$TAG" >/dev/null
[ "$(registry_version)" = "$VER" ] || { log "the registry does not hold .NET $VER after the push"; exit 1; }
echo "$REF"
