# shellcheck shell=bash
# Source this (`. scripts/containers/podman-env.sh`) before running podman or podman-compose on
# this project's build machines (a Debian 12 VM, as root, cgroups in hybrid mode, no systemd).
# What was found by trying:
# - only rootful podman works;
# - crun refuses to start anything ("cgroups in hybrid mode not supported"); runc works, with the
#   cgroupfs cgroup manager and file-based events (both default to systemd, which is not running);
# - podman's default open-files limit (1048576) is above the VM's hard limit (20000), and runc
#   then fails ("error setting rlimit type 7"): the defaults are pinned to the shell's hard limits;
# - the overlay storage driver is about 10 times faster than vfs for the build (see the end).
# A fresh machine has none of the tools, so they are installed here when missing.

_ddb_packages=(podman buildah runc podman-compose debootstrap catatonit netavark aardvark-dns iptables)
_ddb_missing=()
for _ddb_package in "${_ddb_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$_ddb_package" 2>/dev/null | grep -q 'ok installed' || _ddb_missing+=("$_ddb_package")
done
if [ "${#_ddb_missing[@]}" -gt 0 ]; then
  echo "podman-env: installing ${_ddb_missing[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${_ddb_missing[@]}" >&2 || return 1
fi

_ddb_conf_dir="${XDG_CACHE_HOME:-$HOME/.cache}/distributed-db/podman"
mkdir -p "$_ddb_conf_dir"
# CONTAINERS_CONF replaces every other containers.conf, so this file is the whole configuration.
_ddb_nofile=$(ulimit -Hn); [ "$_ddb_nofile" = unlimited ] || [ "$_ddb_nofile" -gt 20000 ] && _ddb_nofile=20000
_ddb_nproc=$(ulimit -Hu); [ "$_ddb_nproc" = unlimited ] || [ "$_ddb_nproc" -gt 32768 ] && _ddb_nproc=32768
cat > "$_ddb_conf_dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$_ddb_nofile:$_ddb_nofile", "nproc=$_ddb_nproc:$_ddb_nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
network_backend = "netavark"
CONF
export CONTAINERS_CONF="$_ddb_conf_dir/containers.conf"
# The storage driver is left to podman's choice (overlay on ext4, as here) and checked instead of
# pinned: a driver set in a storage.conf is passed to each container's cleanup process, which then
# refuses a store first made without one ("database configuration mismatch"); every `podman run
# --rm` and `podman wait` then takes 20 s more, waiting for an exit that was never recorded.
_ddb_driver=$(podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null || true)
if [ "$_ddb_driver" != overlay ]; then
  echo "podman-env: podman uses the \"$_ddb_driver\" storage driver; overlay is about 10 times faster" >&2
fi
unset _ddb_packages _ddb_missing _ddb_package _ddb_conf_dir _ddb_nofile _ddb_nproc _ddb_driver
