#!/usr/bin/env bash
# Stands up a throwaway Slurm of NODES logical nodes on this machine, submits `sbatch run.sh ARGS...` with
# TASKS tasks, waits for it (bounded), prints the job's standard output and error on its own, and exits
# with the job's exit code.
#
#   slurm-cluster.sh NODES TASKS -- RUN.SH-ARGS...
#
# Everything lives in a temporary folder on ports of its own: a private munged, slurmctld and one slurmd per
# node, torn down by PID on exit whatever happens. Needs root and Debian's slurmctld slurmd slurm-client
# munge.
set -euo pipefail

nodes=$1 tasks=$2
shift 2
[[ ${1-} == -- ]] && shift
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$(mktemp -d /tmp/primesum-slurm.XXXXXX)
base_port=$((20000 + ($$ % 400) * 16))
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.3
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

mkdir -p "$dir"/{state,spool,log,tmp,cgroup}
for ((n = 1; n <= nodes; n++)); do mkdir -p "$dir/spool/n$n" "$dir/tmp/n$n"; done
cpus=$(nproc)
cat >"$dir/slurm.conf" <<CONF
ClusterName=primesum
SlurmctldHost=localhost
SlurmctldPort=$base_port
SlurmUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
TmpFS=$dir/tmp/%n
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MailProg=/bin/true
EnforcePartLimits=ALL
SlurmdParameters=config_overrides
KillWait=5
ReturnToService=2
AuthInfo=socket=$dir/munge.sock
NodeName=n[1-$nodes] NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus Port=[$((base_port + 1))-$((base_port + nodes))]
PartitionName=test Nodes=n[1-$nodes] Default=YES MaxTime=INFINITE State=UP
CONF
cat >"$dir/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
CgroupMountpoint=$dir/cgroup
CONF
export SLURM_CONF=$dir/slurm.conf

mungekey -c -k "$dir/munge.key" >/dev/null 2>&1 || dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$dir/munge.key"
munged --force --foreground --socket="$dir/munge.sock" --key-file="$dir/munge.key" \
  --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed" \
  >"$dir/log/munged.out" 2>&1 &
pids+=($!)
slurmctld -D -c -f "$dir/slurm.conf" >"$dir/log/slurmctld.out" 2>&1 &
pids+=($!)
for ((n = 1; n <= nodes; n++)); do
  slurmd -D -f "$dir/slurm.conf" -N "n$n" >"$dir/log/slurmd-n$n.out" 2>&1 &
  pids+=($!)
done

deadline=$((SECONDS + 60))
until [[ $(sinfo -h -o '%t' 2>/dev/null | sort -u | tr -d '\n') == idle ]]; do
  if ((SECONDS > deadline)); then
    echo "slurm-cluster.sh: the nodes did not come up" >&2
    cat "$dir"/log/*.log >&2 || true
    exit 90
  fi
  sleep 0.3
done

# Submits run.sh "$@" with extra sbatch options (words of $1), waits (bounded), prints its output and sets
# exit_code to the job's exit code.
submit() {
  local extra=$1 job deadline
  shift
  # Logical nodes share this machine's hostname, so Open MPI's shared-memory transport must stay off.
  # shellcheck disable=SC2086  # extra and SLURM_TEST_SBATCH hold several words
  job=$(cd "$project_dir" && OMPI_MCA_btl=self,tcp sbatch --parsable --nodes="$nodes" --ntasks="$tasks" \
    ${SLURM_TEST_SBATCH-} $extra \
    --output="$dir/job.out" --error="$dir/job.err" --export=ALL "${SLURM_TEST_SCRIPT:-run.sh}" "$@")
  deadline=$((SECONDS + ${SLURM_TEST_JOB_SECONDS:-240}))
  while [[ -n $(squeue -h -j "$job" 2>/dev/null) ]]; do
    if ((SECONDS > deadline)); then
      echo "slurm-cluster.sh: job $job did not finish in time" >&2
      scancel "$job" || true
      exit 91
    fi
    sleep 0.5
  done
  cat "$dir/job.out"
  cat "$dir/job.err" >&2
  exit_code=$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*ExitCode=\([0-9]*\):.*/\1/p' | head -1)
  exit_code=${exit_code:-92}
}

# SLURM_TEST_SBATCH: sbatch options of every submission (to fit a user's script to this machine).
# SLURM_TEST_SCRIPT: a batch script of the user's to submit instead of run.sh (ARGS then go to it).
# SLURM_TEST_FIRST_SBATCH: sbatch options of a first submission (a short --time, say), after which the job is
# submitted again without them, as a user resubmits an interrupted job; its exit code is printed first.
if [[ -n ${SLURM_TEST_FIRST_SBATCH-} ]]; then
  submit "$SLURM_TEST_FIRST_SBATCH" "$@"
  echo "slurm-cluster.sh: first job exit code $exit_code" >&2
  echo "=== resubmitted ===" >&2
fi
submit "" "$@"
exit "$exit_code"
