#!/usr/bin/env bash
# Removes everything one compose project made: its containers with their anonymous volumes, its
# named volumes and its network, found by the project label podman-compose puts on each of them.
# (podman-compose 1.0.3's `down -v` leaves the network and anonymous volumes behind.) Safe to run
# twice and on a project that never started. Usage: teardown.sh <project>
set -uo pipefail
project=${1:?usage: teardown.sh <compose project name>}
[ -n "${CONTAINERS_CONF:-}" ] || . "$(dirname "$0")/podman-env.sh"
label="label=io.podman.compose.project=$project"

containers=$(podman ps -aq --filter "$label")
[ -z "$containers" ] || podman rm --force --volumes --time 0 $containers >/dev/null
volumes=$(podman volume ls -q --filter "$label")
[ -z "$volumes" ] || podman volume rm --force $volumes >/dev/null
networks=$(podman network ls -q --filter "$label")
[ -z "$networks" ] || podman network rm --force $networks >/dev/null
left=$(podman ps -aq --filter "$label"; podman volume ls -q --filter "$label"; podman network ls -q --filter "$label")
if [ -n "$left" ]; then
  echo "teardown: could not remove: $left" >&2
  exit 1
fi
