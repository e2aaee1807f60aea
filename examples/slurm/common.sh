# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this
# Shared by start-cluster.sh and stop-cluster.sh (sourced, not run).
#
# Settings, from the environment:
#   KILN_SLURM_DIR           state, spool, logs, pid files   (/run/kiln-slurm)
#   KILN_SLURM_CONF          the rendered slurm.conf         (/etc/slurm/slurm.conf,
#                            where sinfo, sbatch and scontrol look without SLURM_CONF)
#   KILN_SLURM_CTLD_PORT     slurmctld's port                (6817)
#   KILN_SLURM_SLURMD_PORT   slurmd's port                   (6818)
#   KILN_SLURM_TIMEOUT       seconds to wait for the node    (60)

dir=${KILN_SLURM_DIR:-/run/kiln-slurm}
conf=${KILN_SLURM_CONF:-/etc/slurm/slurm.conf}
ctld_port=${KILN_SLURM_CTLD_PORT:-6817}
slurmd_port=${KILN_SLURM_SLURMD_PORT:-6818}
timeout=${KILN_SLURM_TIMEOUT:-60}
marker="# rendered by kiln's examples/slurm/start-cluster.sh"
export SLURM_CONF=$conf

die() {
  echo "slurm: $*" >&2
  exit 1
}

# pid_of DAEMON: the pid in DAEMON's pid file under $dir when that process is
# alive and is DAEMON; nothing otherwise.
pid_of() {
  local f="$dir/$1.pid" pid
  [ -r "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null) || return 0
  case $pid in '' | *[!0-9]*) return 0 ;; esac
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && echo "$pid"
  return 0
}

# stop_pid NAME PID: SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  local name=$1 pid=$2
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { echo "slurm: stopped $name (pid $pid)"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  echo "slurm: killed $name (pid $pid) after 10 s"
}

# stop_daemon DAEMON: stops DAEMON when its pid file names a live one.
stop_daemon() {
  local pid
  pid=$(pid_of "$1")
  if [ -n "$pid" ]; then
    stop_pid "$1" "$pid"
  fi
  rm -f "$dir/$1.pid"
}
