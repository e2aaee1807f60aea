#!/usr/bin/env bash
# Stops what start-cluster.sh started: slurmd, slurmctld, and munged when
# start-cluster.sh started it. --purge also removes the state directory and
# the rendered slurm.conf (only if start-cluster.sh wrote it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

purge=""
case ${1:-} in
  "") ;;
  --purge) purge=1 ;;
  *) die "usage: $0 [--purge]" ;;
esac
[ "$(id -u)" = 0 ] || die "run me as root"

stop_daemon slurmd
stop_daemon slurmctld
if [ -e "$dir/munged.ours" ]; then
  pid=$(cat /run/munge/munged.pid 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = munged ]; then
    stop_pid munged "$pid"
  fi
  rm -f "$dir/munged.ours"
fi
if [ -n "$purge" ]; then
  rm -rf "$dir"
  if [ -e "$conf" ] && grep -qF "$marker" "$conf"; then
    rm -f "$conf"
  fi
  echo "slurm: removed $dir and $conf"
fi
