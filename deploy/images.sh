#!/usr/bin/env bash
# Builds every image the deployment files (deploy/compose, deploy/kubernetes) name, into podman's local store:
#   localhost/coordaspire-node:latest       Node/ through the SDK's container tooling, then deploy/images/node.Containerfile
#                                           (/data owned by the non-root user, VOLUME, HEALTHCHECK = the status verb)
#   localhost/coordaspire-sample:latest     SampleClient/ through the SDK's container tooling
#   localhost/coordaspire-dashboard:latest  the standalone Aspire dashboard from the Aspire.Dashboard.Sdk.linux-x64
#                                           package's binaries (deploy/images/dashboard.Containerfile)
# Usage: deploy/images.sh [--base-image REF] [--tag TAG]
#   --base-image  the .NET (ASP.NET Core) runtime image to build on; default Microsoft's (the SDK's own default,
#                 mcr.microsoft.com/dotnet/aspnet:10.0). On a machine without that registry:
#                 deploy/images.sh --base-image "$(deploy/local-base-image.sh)"
#   --tag         the tag to give (default latest)
# Needs podman (deploy/setup-podman.sh) and the .NET SDK. Progress on stderr; the images and their sizes at the end.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."
base=""; tag=latest
while [ $# -gt 0 ]; do
  case "$1" in
    --base-image) base=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    *) echo "usage: deploy/images.sh [--base-image REF] [--tag TAG]" >&2; exit 2 ;;
  esac
done
log() { echo "images: $*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
base_args=(); [ -z "$base" ] || base_args=("-p:ContainerBaseImage=$base")
dashboard_base=${base:-mcr.microsoft.com/dotnet/aspnet:10.0}
start=$SECONDS

publish() { # project repository tag
  log "publishing $1 as $2:$3"
  dotnet publish "$1" -c Release -nologo -v q -clp:ErrorsOnly -t:PublishContainer -p:LocalRegistry=Podman \
    -p:ContainerRepository="$2" -p:ContainerImageTag="$3" "${base_args[@]}" >&2
}

publish Node/CoordAspire.Node.csproj coordaspire-node sdk
log "layering /data, VOLUME and HEALTHCHECK onto the node image"
# Docker format: OCI image configs have no HEALTHCHECK, and podman would drop it.
podman build -q --network=none --format docker --build-arg NODE_SDK_IMAGE=localhost/coordaspire-node:sdk \
  -t "localhost/coordaspire-node:$tag" -f deploy/images/node.Containerfile deploy/images >/dev/null
podman rmi -f localhost/coordaspire-node:sdk >/dev/null 2>&1 || true

publish SampleClient/CoordAspire.SampleClient.csproj coordaspire-sample "$tag"

# The dashboard's binaries come with the package the AppHost restores (Aspire.Hosting.AppHost runs the same dashboard
# locally); restore the AppHost if they are not in the NuGet cache yet.
packages=$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')
dashboard=$(ls -d "$packages"/aspire.dashboard.sdk.linux-x64/*/tools 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$dashboard" ]; then
  dotnet restore AppHost/CoordAspire.AppHost.csproj -nologo -v q >&2
  dashboard=$(ls -d "$packages"/aspire.dashboard.sdk.linux-x64/*/tools | sort -V | tail -1)
fi
log "building the dashboard from $dashboard on $dashboard_base"
podman build -q --network=none --format docker --build-arg "BASE_IMAGE=$dashboard_base" \
  -t "localhost/coordaspire-dashboard:$tag" -f "$PWD/deploy/images/dashboard.Containerfile" "$dashboard" >/dev/null

log "done in $((SECONDS - start)) s"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^localhost/coordaspire-(node|sample|dashboard):$tag " >&2
