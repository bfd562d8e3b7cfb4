#!/usr/bin/env bash
# `npm run test:containers`: builds the Dockerfile with podman and runs the docker-compose.yml
# cluster with podman-compose (test/containers/). Installs and configures podman when needed, makes
# the local base image, and removes the compose project whatever happens to the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."

. scripts/containers/podman-env.sh
started=$SECONDS
DDB_NODE_IMAGE=$(bash scripts/containers/base-image.sh)
echo "containers: base image $DDB_NODE_IMAGE ready in $((SECONDS - started)) s"
export DDB_NODE_IMAGE
export DDB_COMPOSE_PROJECT="ddb-ct-$$-$RANDOM"
scratch=$(mktemp -d)
trap 'bash scripts/containers/teardown.sh "$DDB_COMPOSE_PROJECT"; rm -rf "$scratch"' EXIT
# The build's `npm ci` may use this machine's npm cache (the test mounts it through an overlay, so
# the build cannot change it) without revalidating each package's metadata: 94 s instead of 142 s.
if [ -d "$HOME/.npm/_cacache" ]; then
  export DDB_NPM_CACHE="$HOME/.npm" DDB_NPMRC="$scratch/npmrc"
  echo prefer-offline=true >"$DDB_NPMRC"
fi
trap 'exit 130' INT
trap 'exit 143' TERM
started=$SECONDS
status=0
node --experimental-vm-modules ./node_modules/jest/bin/jest.js --config ./test/jest-containers.json --runInBand "$@" || status=$?
echo "containers: jest took $((SECONDS - started)) s"
exit "$status"
