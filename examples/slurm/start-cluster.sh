#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for kiln's sweep tests:
# munged, slurmctld and slurmd from Debian's slurm-wlm and munge packages,
# with examples/slurm/slurm.conf rendered for this host. Runs as root,
# without systemd (containers, CI). Idempotent: daemons already running with
# the same configuration are left alone; a changed configuration restarts
# slurmctld and slurmd. Settings: see common.sh (KILN_SLURM_DIR, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

[ "$(id -u)" = 0 ] || die "run me as root (I start munged, slurmctld and slurmd)"
for c in munge unmunge munged slurmctld slurmd sinfo scontrol; do
  command -v "$c" >/dev/null || die "$c is not installed: apt-get install slurm-wlm munge"
done

start_munge() {
  local key=/etc/munge/munge.key
  if [ ! -s "$key" ]; then
    install -d -o munge -g munge -m 0700 /etc/munge
    dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    echo "slurm: created $key"
  fi
  chown munge:munge "$key"
  chmod 0400 "$key"
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    return 0
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  runuser -u munge -- munged
  touch "$dir/munged.ours"
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && { echo "slurm: started munged"; return 0; }
    sleep 0.1
  done
  tail -n 20 /var/log/munge/munged.log >&2 || true
  die "munged does not answer (munge -n | unmunge fails)"
}

# render_conf: writes $conf from the template for this host; sets
# conf_changed when it wrote a new or different file.
render_conf() {
  local host cpus mem tmp
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9][0-9]*\).*/\1/p')
  [ -n "$mem" ] || die "slurmd -C printed no RealMemory: $(slurmd -C 2>&1)"
  tmp=$(mktemp)
  {
    echo "$marker from examples/slurm/slurm.conf"
    sed -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY@|$mem|g" \
      -e "s|@DIR@|$dir|g" -e "s|@CTLD_PORT@|$ctld_port|g" \
      -e "s|@SLURMD_PORT@|$slurmd_port|g" "$here/slurm.conf"
  } >"$tmp"
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    rm -f "$tmp"
    die "$conf exists and was not written by this script; move it away or set KILN_SLURM_CONF"
  fi
  if [ -e "$conf" ] && cmp -s "$tmp" "$conf"; then
    rm -f "$tmp"
    return 0
  fi
  install -D -m 0644 "$tmp" "$conf"
  rm -f "$tmp"
  conf_changed=1
}

# start_daemon NAME: starts slurmctld or slurmd unless its pid file names a
# live one; refuses when another instance not started here is running.
start_daemon() {
  local name=$1 other
  [ -n "$(pid_of "$name")" ] && return 0
  other=$(pgrep -x "$name" || true)
  [ -z "$other" ] || die "a $name not started by this script runs (pid $other); stop it first"
  "$name" -f "$conf"
  echo "slurm: started $name"
}

show_logs() {
  echo "--- sinfo" >&2
  sinfo -N -l >&2 2>&1 || true
  sinfo -R >&2 2>&1 || true
  for f in "$dir/slurmctld.log" "$dir/slurmd.log"; do
    echo "--- $f (last 30 lines)" >&2
    tail -n 30 "$f" >&2 2>/dev/null || echo "(missing)" >&2
  done
}

# wait_idle: waits until this host's node is idle (or running jobs), resuming
# it once if a previous run left it down or drained.
wait_idle() {
  local host state resumed="" deadline=$((SECONDS + timeout))
  host=$(hostname -s)
  while [ $SECONDS -lt $deadline ]; do
    state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n 1 || true)
    case $state in
      idle | mixed | allocated | completing) echo "slurm: node $host is $state"; return 0 ;;
      inval*) break ;; # the node's hardware does not match the configuration
      down* | drain* | fail*)
        if [ -z "$resumed" ]; then
          scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
          resumed=1
        fi ;;
    esac
    sleep 0.5
  done
  show_logs
  die "node $host is not idle (after at most $timeout s; state: '${state:-no answer from slurmctld}'); logs above"
}

install -d -m 0755 "$dir" "$dir/state" "$dir/spool/$(hostname -s)"
start_munge
conf_changed=""
render_conf
if [ -n "$conf_changed" ]; then
  echo "slurm: wrote $conf"
  stop_daemon slurmd
  stop_daemon slurmctld
fi
start_daemon slurmctld
start_daemon slurmd
wait_idle
cat <<EOF
slurm: cluster up (configuration $conf, state and logs in $dir)
slurm: stop it with: $here/stop-cluster.sh   (--purge also removes $dir and $conf)
EOF
[ "$conf" = /etc/slurm/slurm.conf ] || echo "slurm: clients need: export SLURM_CONF=$conf"
