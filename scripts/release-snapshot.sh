#!/usr/bin/env bash
# Proves the release setup without publishing: goreleaser (a Go module, installed here when missing)
# runs `release --snapshot --clean` with .goreleaser.yaml, and the script checks what a release holds:
# static binaries for linux, darwin and windows on amd64 and arm64, their archives, checksums and
# CycloneDX SBOMs, and the FROM scratch image, which it runs. Without Docker's buildx the arm64 image is
# left out (the legacy builder cannot build it; the release workflow has buildx).
# Usage: scripts/release-snapshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"
if ! command -v goreleaser >/dev/null; then
  echo "installing goreleaser (a few minutes)" >&2
  GOFLAGS=-mod=mod go install github.com/goreleaser/goreleaser/v2@v2.15.1
fi
config=.goreleaser.yaml
if ! docker buildx version >/dev/null 2>&1; then
  config=$(mktemp --suffix=.yaml)
  trap 'rm -f "$config"' EXIT
  sed '/# arm64-image-begin/,/# arm64-image-end/d' .goreleaser.yaml | sed '/^docker_manifests:/,/^$/d' >"$config"
  echo "no buildx: the arm64 image is left out of this snapshot" >&2
fi
goreleaser release --snapshot --clean --config "$config"

fail() { echo "release-snapshot: $*" >&2; exit 1; }
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64; do
  ls dist/cprtestdata_*_"$target".tar.gz >/dev/null || fail "no archive for $target"
  [ -s "dist/testdata_${target}.cdx.json" ] || fail "no SBOM for $target"
done
for target in windows_amd64 windows_arm64; do
  ls dist/cprtestdata_*_"$target".zip >/dev/null || fail "no archive for $target"
done
[ -s dist/checksums.txt ] || fail "no checksums"
(cd dist && sha256sum -c --ignore-missing checksums.txt >/dev/null) || fail "checksums do not match"
go version -m dist/testdata_linux_amd64_v1/testdata | grep -q "CGO_ENABLED=0" || fail "the linux binary is not static (cgo)"
version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json | head -n 1)
docker run --rm --entrypoint /testdata "cprtestdata/sandbox:${version}-amd64" --version | grep -q "version ${version}" ||
  fail "the image does not run or has another version"
echo "release snapshot ${version}: $(ls dist/*.tar.gz dist/*.zip | wc -l) archives, $(ls dist/*.cdx.json | wc -l) SBOMs, checksums, image cprtestdata/sandbox:${version}-amd64"
