#!/usr/bin/env bash
# Prints the name of a local stand-in for the Dockerfile's default base (node:<lts>-bookworm-slim),
# building it first if needed. Base images cannot be pulled on this project's build machines (the
# only outside hosts they reach are the npm registry and Debian's mirror), so it is made from:
# - a minimal Debian bookworm from debootstrap (96 to 278 s measured on this busy 2-core machine;
#   about 30 s reported on an idle one);
# - this machine's own node binary and npm (nodesource builds, linked against glibc 2.28, so they
#   run on bookworm's 2.36), and a "node" user with uid 1000 as in the official images;
# - this machine's CA bundle, with NODE_EXTRA_CA_CERTS pointing at it: the npm registry is reached
#   through a TLS-intercepting proxy whose CA only that bundle holds, so `npm ci` in the build
#   fails with SELF_SIGNED_CERT_IN_CHAIN without it. (No proxy variables are needed.)
# The image is kept between runs and rebuilt only when node, npm, the CA bundle or this script changed.
# Needs podman-env.sh sourced first.
set -euo pipefail

node_version=$(node -v)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") # …/node_modules/npm
ca_bundle=/etc/ssl/certs/ca-certificates.crt
inputs="node=$node_version;npm=$(npm -v);ca=$(sha256sum "$ca_bundle" | cut -c1-16);recipe=$(sha256sum "$0" | cut -c1-16)"
image="localhost/ddb-node-base:$node_version"

previous=""
if podman image exists "$image"; then
  if [ "$(podman image inspect --format '{{index .Labels "ddb.base-inputs"}}' "$image")" = "$inputs" ]; then
    echo "$image"
    exit 0
  fi
  previous=$(podman image inspect --format '{{.Id}}' "$image")
fi

rootfs=$(mktemp -d /var/tmp/ddb-base.XXXXXX)
trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
started=$SECONDS
# dpkg without fsync inside the new system: 160 s instead of 201 s, measured on a loaded 2-core machine.
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/unsafe-io"
debootstrap --variant=minbase bookworm "$rootfs" >"$rootfs.log" 2>&1 || {
  tail -20 "$rootfs.log" >&2
  exit 1
}
echo "base-image: debootstrap took $((SECONDS - started)) s" >&2

started=$SECONDS
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs/etc/dpkg/dpkg.cfg.d/unsafe-io"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/etc/ssl/certs"
cp "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
tar -C "$rootfs" -c . | podman import \
  --change "LABEL ddb.base-inputs=$inputs" \
  --change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
if [ -n "$previous" ]; then podman rmi "$previous" >/dev/null 2>&1 || true; fi
echo "base-image: node and npm copied, image imported in $((SECONDS - started)) s" >&2
echo "$image"
