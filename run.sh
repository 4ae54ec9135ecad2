#!/usr/bin/env bash
#SBATCH --job-name=prime-sum
#SBATCH --time=01:00:00
#SBATCH --output=prime-sum-%j.out
#SBATCH --error=prime-sum-%j.err
#SBATCH --signal=B:USR1@60
# PrimeSum's one entry point.
#
#   ./run.sh                      install what is missing, build, run the tutorial batch on every core
#   ./run.sh [OPTIONS] [-- PRIME-SUM ARGS...]
#                                 any request, on this machine or across the hosts of a hostfile
#   ./run.sh test                 install what the tests need, build, run the whole test suite (then
#                                 the MPI wrapper's tests again, built against MPICH)
#   ./run.sh build                build prime-sum exactly as a job would (the login-node step before
#                                 --no-build jobs on compute nodes without Swift)
#   ./run.sh build --static       build prime-sum with the Swift runtime linked in, in .build-static: a
#                                 binary for nodes without Swift (it needs Open MPI's libraries only)
#   ./run.sh bench                PrimeSum against primesieve, measured in the same run, and the MPI
#                                 wrapper against direct C calls (about 10 minutes)
#
# Options:
#   -n, --ranks N        number of MPI ranks (default: the cores here, or every slot of the hostfile)
#   --hostfile FILE      run across the hosts of an Open MPI hostfile ("host slots=N" lines)
#   --oversubscribe      allow more ranks than slots (added by itself when more ranks than local cores)
#   --pml NAME           Open MPI point-to-point layer (default: OMPI_MCA_pml from the environment, else
#                        ob1: start-up 330 ms -> 130 ms here)
#   --net SUBNET|IFACE   keep MPI's TCP traffic on one network, e.g. 10.0.0.0/24 or eth1
#   --net-timeout SECS   end the job about SECS seconds after a host stops answering (TCP keepalives;
#                        default: Open MPI's, about 8 minutes); outages shorter than SECS are survived
#   --startup-timeout SECS  end the launch when the ranks are not all up after SECS seconds (default 60),
#                        naming the hosts that do not answer; exit status 68
#   --time-limit SECS    end the job after SECS seconds (default 86400); exit status 124
#   --no-build           use the binary already built
#   -h, --help           this text
#
# Under Slurm (sbatch run.sh [OPTIONS] -- ARGS, or inside salloc) it launches on the allocated tasks, with
# srun --mpi=pmix where the site has it, else mpirun; the #SBATCH lines above are defaults to override.
# SIGTERM, SIGINT, SIGHUP and SIGUSR1 (Slurm's warning before the time limit) reach the ranks as SIGUSR1:
# a job with --checkpoint FILE saves its finished chunks and exits 75; run the same command to resume. A job
# without one ends with the shell's status for the signal: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP), 138.
#
# Exit status: prime-sum's own (0 success, 64 usage error, 65 checkpoint refused, 70 internal error,
# 71 system error, 73 checkpoint path unusable, 74 write failed, 75 interrupted and resumable, 76 MPI failure),
# 124 when the time limit ends the job, 69 when a required tool is missing and cannot be installed,
# 68 when a host does not answer at start-up,
# another non-zero status when a rank or host dies (mpirun's own: 137 for a killed rank, 205 for a lost host).
set -euo pipefail

# Slurm's warning (--signal=B:USR1@…) may come before the job is even launched: note it rather than die.
early_signal=
trap 'early_signal=SIGUSR1' USR1

# sbatch runs a copy of this script from Slurm's spool folder: the project is where the job was submitted.
if [[ -n ${SLURM_JOB_ID-} && -f ${SLURM_SUBMIT_DIR-}/run.sh && -f ${SLURM_SUBMIT_DIR-}/Package.swift ]]; then
  project_dir=$SLURM_SUBMIT_DIR
else
  project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fi
readonly project_dir
readonly build_dir="$project_dir/.build/release"
# shellcheck source=Scripts/mpirun-flags.sh
source "$project_dir/Scripts/mpirun-flags.sh"
readonly binary="$build_dir/prime-sum"
readonly tutorial_batch=(--batch 1e6:2e6:5e4)
readonly max_ranks=1000000 max_time_limit=31536000  # a million ranks; a year
readonly max_argument_length=4096

readonly runtime_packages=(libopenmpi-dev openmpi-bin pkg-config perl)
# The tests also build hosts in network namespaces (iproute2) and a throwaway Slurm.
# And the wrapper's tests run against MPICH too (libmpich-dev), built in a folder of its own.
readonly test_packages=("${runtime_packages[@]}" libprimesieve-dev primesieve-bin libprimecount-dev iproute2
  slurmctld slurmd slurm-client munge libmpich-dev)
readonly bench_packages=("${test_packages[@]}" gnuplot-nox)

# Release builds target nehalem on x86-64 (popcnt and SSE4.2, the x86-64-v2 level: every x86-64 CPU since about 2009), without
# which counting primes falls back to slow bit twiddling. PRIMESUM_TARGET_CPU overrides it (e.g. native).
swift_build_flags=(-c release)
if [[ $(uname -m) == x86_64 ]]; then
  swift_build_flags+=(-Xswiftc -target-cpu -Xswiftc "${PRIMESUM_TARGET_CPU:-nehalem}")
fi
readonly swift_build_flags

say() { printf 'run.sh: %s\n' "$*" >&2; }
usage_error() { say "$*"; exit 64; }

# Installs the Debian packages in "$@" that are missing: apt-get when root (its chatter kept in a log shown
# only if it fails), otherwise prints the command.
ensure_packages() {
  local missing=() package
  command -v dpkg-query >/dev/null || { say "no dpkg here: install ${*} (or your system's equivalents) yourself"; exit 69; }
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  if ((EUID == 0)) && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} (apt-get; a minute or two)"
    local log
    log=$(mktemp)
    if ! { timeout -k 10 900 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout -k 10 1800 \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      say "apt-get failed (its output is above)"
      exit 69
    fi
    rm -f "$log"
  else
    say "missing system packages; install them with:"
    printf '  sudo apt-get install -y --no-install-recommends %s\n' "${missing[*]}" >&2
    exit 69
  fi
}

# What a job needs: an Open MPI mpirun (and, to build, its pkg-config module). One from environment modules,
# Spack or another distribution is used as it is; Debian's packages are installed only when it is missing.
ensure_runtime() {
  local build=$1
  if command -v mpirun >/dev/null && mpirun --version 2>/dev/null | grep -q "Open MPI" && command -v perl >/dev/null; then
    [[ $build == no ]] && return 0
    pkg-config --exists ompi 2>/dev/null && return 0
  fi
  ensure_packages "${runtime_packages[@]}"
}

ensure_swift() {
  command -v swift >/dev/null 2>&1 && return 0
  say "the Swift toolchain (swift 6.0 or newer) is not on PATH; get it from https://www.swift.org/install/linux/"
  exit 69
}

# Builds prime-sum in release mode; SwiftPM makes this a no-op when nothing changed. On a terminal the build's
# own lines show its progress; elsewhere they are kept and shown only if it fails. A build folder moved or
# copied from elsewhere (its module cache names the old path) is cleared and built again.
build_release() {
  ensure_swift
  say "building prime-sum (release; a first build takes a few minutes)"
  if ! swift_build --product prime-sum; then
    if grep -q "module cache path\|was compiled with module cache path\|PCH was compiled" "$build_log" 2>/dev/null; then
      say "the build folder was made in another place; clearing its module caches and building again"
      find "$project_dir/.build" -type d -name ModuleCache -prune -exec rm -rf {} + 2>/dev/null || true
      rm -f "$project_dir"/.build/*.yaml "$project_dir"/.build/*/description.json
      swift_build --product prime-sum && return 0
    fi
    cat "$build_log" >&2
    say "the build failed"
    exit 70
  fi
}

# prime-sum with the Swift runtime linked in (--static-swift-stdlib), in a build folder of its own: a binary
# that compute nodes run with Open MPI's libraries alone, no Swift installed.
build_static() {
  ensure_swift
  say "building prime-sum with the Swift runtime linked in (release, in .build-static)"
  if ! swift_build --static-swift-stdlib --scratch-path "$project_dir/.build-static" --product prime-sum; then
    cat "$build_log" >&2
    say "the build failed"
    exit 70
  fi
  say "built $project_dir/.build-static/release/prime-sum: it needs Open MPI's libraries, not Swift's"
}

# swift build with run.sh's flags, in the project: its lines to the terminal if there is one, else to
# $build_log (for build_release to show on failure).
build_log=
swift_build() {
  build_log=${build_log:-$(mktemp)}
  if [[ -t 2 ]]; then
    (cd "$project_dir" && swift build "${swift_build_flags[@]}" "$@" 2>&1 | tee "$build_log" >&2; exit "${PIPESTATUS[0]}")
  else
    (cd "$project_dir" && swift build "${swift_build_flags[@]}" "$@") >"$build_log" 2>&1
  fi
}

# The launcher command for this user and this launch, in the array launcher.
launcher=()
set_launcher() {
  local ranks=$1 hostfile=$2 oversubscribe=$3 pml=$4 net=$5 net_timeout=$6
  # Keepalive probes every third of the bound after half of it idle: a silent host is declared lost after
  # about net_timeout seconds (Open MPI's default: 300 s idle + 9 probes 20 s apart).
  local keepalive=()
  if [[ -n $net_timeout ]]; then
    keepalive=(oob_tcp_keepalive_time $(((net_timeout + 1) / 2)) oob_tcp_keepalive_intvl $(((net_timeout + 5) / 6))
      oob_tcp_keepalive_probes 3)
  fi
  local in_allocation=no
  [[ -n ${SLURM_JOB_ID-} && -z $hostfile ]] && in_allocation=yes
  if [[ $in_allocation == yes ]] && command -v srun >/dev/null && srun --mpi=list 2>&1 | grep -q pmix; then
    # srun starts one task per allocated slot; Open MPI's PMIx client reads the MCA settings from the
    # environment.
    launcher=(srun --mpi=pmix)
    [[ -n $ranks ]] && launcher+=(--ntasks "$ranks")
    say "in Slurm job $SLURM_JOB_ID: launching with srun --mpi=pmix"
    export OMPI_MCA_pml=$pml
    if [[ -n $net ]]; then export OMPI_MCA_btl_tcp_if_include=$net OMPI_MCA_oob_tcp_if_include=$net; fi
    local i
    for ((i = 0; i < ${#keepalive[@]}; i += 2)); do export "OMPI_MCA_${keepalive[i]}=${keepalive[i + 1]}"; done
    return 0
  fi
  # Without --quiet, which would hide which rank died: Scripts/launcher-messages.pl drops the rest of Open
  # MPI's messages instead (see launch).
  local flag
  launcher=(mpirun)
  for flag in "${mpirun_base_flags[@]}"; do [[ $flag == --quiet ]] || launcher+=("$flag"); done
  launcher+=(--mca pml "$pml" -x PRIMESUM_STARTED_MARKER)
  [[ -n $hostfile ]] && launcher+=(--hostfile "$hostfile")
  [[ -n $net ]] && launcher+=(--mca btl_tcp_if_include "$net" --mca oob_tcp_if_include "$net")
  local i
  for ((i = 0; i < ${#keepalive[@]}; i += 2)); do launcher+=(--mca "${keepalive[i]}" "${keepalive[i + 1]}"); done
  # Inside a Slurm allocation mpirun takes its slots from the allocation.
  [[ -n $ranks ]] && launcher+=(-np "$ranks")
  [[ $in_allocation == yes ]] && say "in Slurm job $SLURM_JOB_ID: launching with mpirun (no PMIx support in srun here)"
  if [[ $oversubscribe == yes ]] || [[ $in_allocation == no && -z $hostfile && -n $ranks && $ranks -gt $(nproc) ]]; then
    launcher+=(--oversubscribe)
  fi
  return 0
}

# Checks that FILE is an Open MPI hostfile: lines of "HOST [slots=N] [max_slots=N]", comments after #, each
# count from 1 to max_ranks. Sets hostfile_slots to the slots it lists in all, or empty when a host gives
# none (Open MPI then counts that host's cores).
hostfile_slots=
check_hostfile() {
  local file=$1 line number=0 hosts=0 total=0 counted=yes field
  tr -d '\000' <"$file" | cmp -s - "$file" || usage_error "the hostfile '$file' holds a NUL byte: it is not a text file"
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*$ ]] && continue
    if [[ ! $line =~ ^[[:space:]]*[A-Za-z0-9._-]+([[:space:]]+(slots|max_slots|max-slots)=[0-9]+)*[[:space:]]*$ ]]; then
      usage_error "the hostfile '$file' line $number is not 'HOST [slots=N] [max_slots=N]': '$line'"
    fi
    local slots=
    for field in $line; do
      [[ $field == *=* ]] || continue
      integer_in_range "${field#*=}" 1 "$max_ranks" ||
        usage_error "the hostfile '$file' line $number: ${field%%=*} must be from 1 to $max_ranks, not '${field#*=}'"
      [[ $field == slots=* ]] && slots=$((10#${field#*=}))
    done
    if [[ -n $slots ]]; then total=$((total + slots)); else counted=no; fi
    hosts=$((hosts + 1))
  done <"$file"
  ((hosts > 0)) || usage_error "the hostfile '$file' lists no hosts"
  hostfile_slots=
  [[ $counted == yes ]] && hostfile_slots=$total
  return 0
}

# The network interface this machine uses to reach the first host of FILE, if it is not loopback.
route_to_first_host() {
  local host address device
  host=$(sed 's/#.*//' "$1" | awk 'NF { print $1; exit }')
  address=$(getent ahostsv4 "$host" 2>/dev/null | awk '{ print $1; exit }') || return 0
  [[ -n $address ]] || return 0
  device=$(ip -o route get "$address" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p')
  [[ -n $device && $device != lo ]] && printf '%s\n' "$device"
  return 0
}

# Runs the job in the background so that this shell can pass SIGTERM, SIGINT, SIGHUP and SIGUSR1 on to the
# ranks as SIGUSR1 (mpirun and srun forward it; SIGTERM to mpirun would kill the ranks a second later). The
# time limit sends SIGUSR1 too, then SIGKILL 10 seconds later. The job does not outlive this shell: if it
# dies (SIGKILL, say), the kernel sends `timeout` SIGUSR1 (PR_SET_PDEATHSIG, set by perl before it becomes
# timeout), which passes it on the same way.
run_job() {
  local time_limit=$1
  shift
  if [[ -n $early_signal ]]; then
    say "received $early_signal before the job started; nothing was computed: run the same command again"
    return 75
  fi
  perl -e 'use POSIX (); eval { require "syscall.ph"; syscall(&SYS_prctl, 1, POSIX::SIGUSR1()) };
            exec { $ARGV[0] } @ARGV or die "exec: $!"' timeout -s USR1 -k 10 "$time_limit" "$@" &
  local child=$! status=0 startup_failed=no received=""
  # shellcheck disable=SC2317  # called by the traps
  forward() {
    say "received $1: asking the job to stop (a job with --checkpoint saves its finished chunks)"
    received=${received:-$1}
    pkill -USR1 -P "$child" 2>/dev/null || true
  }
  # Start-up watchdog: once every rank is up, rank 0 writes the marker as its first line of output; if it has
  # not come after startup_timeout seconds, a host did not answer, and this shell gets SIGUSR2. It ends as
  # soon as the marker comes or this shell is gone, so it never outlives the launch by more than 0.2 s.
  ( for ((tick = 0; tick < startup_timeout * 5; tick++)); do
      sleep 0.2
      kill -0 $$ 2>/dev/null || exit 0
      [[ $(head -n 1 "$answer_file" 2>/dev/null) == "$started_marker" ]] && exit 0
    done
    kill -USR2 $$ 2>/dev/null ) &
  local watchdog=$!
  # shellcheck disable=SC2317  # called by the trap
  not_started() {
    say "the job did not start within $startup_timeout seconds: $(silent_hosts) (--startup-timeout sets the bound)"
    startup_failed=yes
    pkill -TERM -P "$child" 2>/dev/null || true
  }
  trap 'not_started' USR2
  trap 'forward SIGTERM' TERM
  trap 'forward SIGINT' INT
  trap 'forward SIGUSR1' USR1
  trap 'forward SIGHUP' HUP
  # A signal that came between the check above and these traps.
  [[ -n $early_signal ]] && forward "$early_signal"
  while true; do
    status=0
    wait "$child" || status=$?
    kill -0 "$child" 2>/dev/null || break
  done
  trap - TERM INT USR1 HUP USR2
  kill "$watchdog" 2>/dev/null || true
  [[ $startup_failed == yes ]] && return 68
  # Stopped by a signal without a checkpoint (75 says it saved its work): the status a shell gives for it.
  if [[ -n $received ]] && ((status != 0 && status != 75)); then
    status=$((128 + $(kill -l "${received#SIG}")))
  fi
  return "$status"
}

# Which hosts of the hostfile do not answer a TCP connection to their ssh port within 3 seconds (a refusal is
# an answer): the ones that kept the job from starting, as a phrase.
silent_hosts() {
  [[ -n $job_hostfile ]] || { printf 'its ranks did not come up'; return 0; }
  local host silent=()
  for host in $(sed 's/#.*//' "$job_hostfile" | awk 'NF { print $1 }' | sort -u); do
    local answered=0
    timeout 3 bash -c "exec 3<>/dev/tcp/$host/22" 2>/dev/null || answered=$?
    ((answered == 124)) && silent+=("$host")
  done
  if ((${#silent[@]})); then printf 'no answer from %s' "${silent[*]}"; else printf 'a host did not answer'; fi
}

run_tests() {
  ensure_packages "${test_packages[@]}"
  ensure_swift
  cd "$project_dir"
  say "building (release, with tests)"
  swift build "${swift_build_flags[@]}" --build-tests
  say "running the test suite"
  # Each test bounds its own mpirun calls; this bound catches anything else.
  timeout -k 30 4800 swift test "${swift_build_flags[@]}" --skip-build "$@"
  (($#)) && return 0  # a filtered run: Open MPI only
  say "building against MPICH (SWIFT_MPI=mpich, in .build-mpich)"
  SWIFT_MPI=mpich swift build "${swift_build_flags[@]}" --scratch-path "$project_dir/.build-mpich" --build-tests
  say "running the MPI wrapper's tests against MPICH"
  SWIFT_MPI=mpich timeout -k 30 1200 swift test "${swift_build_flags[@]}" --scratch-path "$project_dir/.build-mpich" \
    --skip-build --filter MPITests
}

run_bench() {
  ensure_packages "${bench_packages[@]}"
  ensure_swift
  cd "$project_dir"
  say "building (release)"
  local product
  for product in prime-sum prime-sum-bench mpi-init-finalize mpi-overhead-bench; do
    swift build "${swift_build_flags[@]}" --product "$product" >&2
  done
  say "benchmarking: median of 3 runs per figure; results in bench-results/"
  timeout -k 30 1800 "$build_dir/prime-sum-bench" --output "$project_dir/bench-results" "$@"
  say "the MPI wrapper against direct C calls (2 ranks, one core each): bench-results/overhead.md"
  local flags=("${mpirun_base_flags[@]/#none/core}")
  timeout -k 10 600 mpirun "${flags[@]}" --mca pml "$default_pml" -np 2 \
    "$build_dir/mpi-overhead-bench" --output "$project_dir/bench-results/overhead.md"
}

# Whether $1 is a decimal integer from $2 to $3, checked as a string first: bash arithmetic wraps at 2^63.
integer_in_range() {
  local text=$1 low=$2 high=$3
  [[ $text =~ ^[0-9]+$ ]] || return 1
  text=$(printf '%s' "$text" | sed 's/^0*//')
  text=${text:-0}
  ((${#text} <= ${#high})) && ((10#$text >= low && 10#$text <= high))
}

# Runs the job (run_job) with its answer in $answer_file; the launcher's standard error goes through
# Scripts/launcher-messages.pl, which keeps the ranks' messages and drops the launcher's own (mpirun's and
# Open MPI's, noting in $notice_file which rank died of a signal; srun's exit-code lines). The filter has
# passed everything on when this returns.
launch() {
  local time_limit=$1 status=0 messages filter
  shift
  exec {messages}> >(exec perl "$project_dir/Scripts/launcher-messages.pl" "${launcher[0]}" "$notice_file" >&2)
  filter=$!
  run_job "$time_limit" "${launcher[@]}" "$binary" "$@" >"$answer_file" 2>&"$messages" || status=$?
  exec {messages}>&-
  wait "$filter" 2>/dev/null || true
  return "$status"
}

# Says in one sentence why the job ended, where mpirun itself says nothing (or, about a rank that died,
# says it in Open MPI's words, which Scripts/launcher-messages.pl noted in $notice_file).
explain_status() {
  local status=$1 time_limit=$2 rank host signal name
  if [[ -s ${notice_file-} ]] && ((status != 0 && status != 75)); then
    read -r rank host signal name <"$notice_file"
    say "rank $rank of the job, on host $host, was killed by signal $signal (${name:-unknown}); the other ranks were stopped"
    return 0
  fi
  case $status in
    124) say "the job passed its time limit of $time_limit seconds and was stopped" ;;
    137) say "a rank of the job was killed (SIGKILL: out of memory, or by hand); the other ranks were stopped" ;;
    205) say "a host of the job stopped answering; the other ranks were stopped" ;;
  esac
  return 0
}

# Checks that Open MPI has the point-to-point layer(s) $1 names ("ob1", "^ucx", "ob1,cm"), where ompi_info can
# say: a missing one fails inside MPI_Init, where Open MPI's own message is not reliably printed.
check_pml() {
  command -v ompi_info >/dev/null || return 0
  local available name
  available=$(ompi_info --parsable 2>/dev/null | awk -F: '$1 == "mca" && $2 == "pml" { print $3 }' | sort -u | tr '\n' ' ')
  [[ -n $available ]] || return 0
  for name in ${1//,/ }; do
    [[ " $available" == *" ${name#^} "* ]] ||
      usage_error "Open MPI has no point-to-point layer '${name#^}' (from --pml or OMPI_MCA_pml); it has: ${available% }"
  done
}

# When mpirun failed before the ranks were up (no start marker; not a time limit, a start-up timeout or a
# signal), Scripts/launcher-messages.pl has dropped its reason with the rest of Open MPI's messages: launch it
# again unfiltered, with an empty request (which starts MPI and computes nothing), so that mpirun and Open MPI
# say what went wrong (too few slots, a missing component).
explain_launch_failure() {
  local status=$1
  ((status != 0 && status != 68 && status != 124 && status < 128)) || return 0
  [[ ${launcher[0]} == mpirun && $(head -n 1 "$answer_file") != "$started_marker" ]] || return 0
  say "mpirun failed (status $status) before the ranks were up; launching again to show its reason:"
  local flags=() flag
  for flag in "${launcher[@]}"; do [[ $flag == --quiet ]] || flags+=("$flag"); done
  timeout -k 5 60 "${flags[@]}" "$binary" --quiet 0 >/dev/null || true
}

# Copies the job's answer ($1) to standard output: a reader that went away (| head) ends run.sh quietly with
# 141, as it would any command-line tool; a failed write (a full disk, a closed stream) is status 74.
deliver_output() {
  local status=0 skip=1
  [[ $(head -n 1 "$1") == "$started_marker" ]] && skip=2
  # (mpirun's own stdout shares the file: its cleanup line after a dead rank is no answer.)
  { tail -n "+$skip" "$1" | sed -E '/^[0-9]+ total processes? killed \(some possibly by mpirun during cleanup\)$/d'; } \
    2>/dev/null || status=$?
  ((status == 0 || status == 141)) && return "$status"
  say "cannot write the answer to standard output"
  return 74
}

main() {
  trap 'rm -f "${build_log-}"' EXIT
  if [[ ${1-} == bench ]]; then
    shift
    run_bench "$@"
    return
  fi
  if [[ ${1-} == test ]]; then
    shift
    run_tests "$@"
    return
  fi
  if [[ ${1-} == build ]]; then
    ensure_runtime yes
    if [[ ${2-} == --static ]]; then
      build_static
    elif (($# > 1)); then
      usage_error "unknown build option '$2'; ./run.sh build [--static]"
    else
      build_release
      say "built $binary"
    fi
    return
  fi

  # A signal before the job starts is noted (run_job then stops at once), not lost.
  trap 'early_signal=SIGTERM' TERM
  trap 'early_signal=SIGINT' INT
  trap 'early_signal=SIGHUP' HUP
  local ranks="" hostfile="" oversubscribe=no pml=${OMPI_MCA_pml:-$default_pml} time_limit=86400 build=yes net= net_timeout=
  startup_timeout=60
  local args=()
  while (($#)); do
    case $1 in
      -n | --ranks)
        (($# >= 2)) || usage_error "$1 needs a number of ranks"
        integer_in_range "$2" 1 "$max_ranks" || usage_error "the number of ranks must be a positive integer, at least 1 and at most $max_ranks, not '$2'"
        ranks=$((10#$2)); shift 2 ;;
      --hostfile)
        (($# >= 2)) || usage_error "--hostfile needs a file"
        [[ -f $2 && -r $2 ]] || usage_error "the hostfile '$2' does not exist or cannot be read"
        check_hostfile "$2"
        hostfile=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
      --oversubscribe) oversubscribe=yes; shift ;;
      --pml)
        (($# >= 2)) || usage_error "--pml needs a name, such as ob1 or cm"
        pml=$2; shift 2 ;;
      --net)
        (($# >= 2)) || usage_error "--net needs a subnet such as 10.0.0.0/24 or an interface such as eth1"
        [[ $2 =~ ^[A-Za-z0-9_.:/-]+$ ]] || usage_error "--net takes a subnet or an interface name, not '$2'"
        net=$2; shift 2 ;;
      --net-timeout)
        (($# >= 2)) || usage_error "--net-timeout needs a number of seconds"
        integer_in_range "$2" 2 86400 ||
          usage_error "the network timeout must be a number of seconds from 2 to 86400, not '$2'"
        net_timeout=$((10#$2)); shift 2 ;;
      --startup-timeout)
        (($# >= 2)) || usage_error "--startup-timeout needs a number of seconds"
        integer_in_range "$2" 1 86400 ||
          usage_error "the start-up timeout must be a number of seconds from 1 to 86400, not '$2'"
        startup_timeout=$((10#$2)); shift 2 ;;
      --time-limit)
        (($# >= 2)) || usage_error "--time-limit needs a number of seconds"
        integer_in_range "$2" 1 "$max_time_limit" ||
          usage_error "the time limit must be a number of seconds from 1 to $max_time_limit, not '$2'"
        time_limit=$((10#$2)); shift 2 ;;
      --no-build) build=no; shift ;;
      -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
      --) shift; args=("$@"); break ;;
      *) usage_error "unknown option '$1'; put prime-sum's own arguments after --, e.g. ./run.sh -n 2 -- 1e9" ;;
    esac
  done
  if [[ -n $hostfile && -n $ranks && -n $hostfile_slots && $oversubscribe == no ]] && ((ranks > hostfile_slots)); then
    usage_error "$ranks ranks but the hostfile '$hostfile' has $hostfile_slots slots: give fewer ranks, more slots, or --oversubscribe"
  fi
  [[ -n ${SLURM_JOB_ID-} && -z $hostfile ]] || check_pml "$pml"
  ((${#args[@]})) || args=("${tutorial_batch[@]}")
  local arg
  for arg in "${args[@]}"; do
    ((${#arg} <= max_argument_length)) ||
      usage_error "an argument of ${#arg} characters is too long for prime-sum (at most $max_argument_length)"
  done
  [[ -z $ranks && -z $hostfile && -z ${SLURM_JOB_ID-} ]] && ranks=$(nproc)

  ensure_runtime "$build"
  [[ $build == yes ]] && build_release
  [[ -x $binary ]] || { say "no binary at $binary; run without --no-build"; exit 69; }

  if [[ -n $hostfile && -z $net ]]; then
    net=$(route_to_first_host "$hostfile")
    [[ -n $net ]] && say "keeping MPI's TCP traffic on $net, the route to the first host (--net overrides)"
  fi
  job_hostfile=$hostfile
  started_marker="prime-sum started $$ $RANDOM"
  export PRIMESUM_STARTED_MARKER=$started_marker
  set_launcher "$ranks" "$hostfile" "$oversubscribe" "$pml" "$net" "$net_timeout"
  # The ranks' standard error reaches the user through mpirun's pipes: tell them whether it ends on a terminal,
  # and how wide it is, so that progress updated in place never wraps.
  if [[ -t 2 ]]; then
    export PRIMESUM_STDERR_IS_TERMINAL=1
    local columns
    columns=$(stty size <&2 2>/dev/null | awk '{ print $2 }') || true
    [[ $columns =~ ^[0-9]+$ ]] && export PRIMESUM_TERMINAL_COLUMNS=$columns
  fi
  { : >&1; } 2>/dev/null || { say "standard output is closed: nothing would reach you; nothing was computed"; exit 74; }
  local status=0
  answer_file=$(mktemp "${TMPDIR:-/tmp}/prime-sum-answer.XXXXXX")
  notice_file=$(mktemp "${TMPDIR:-/tmp}/prime-sum-notice.XXXXXX")
  trap 'rm -f "${answer_file-}" "${notice_file-}" "${build_log-}"' EXIT
  launch "$time_limit" "${args[@]}" || status=$?
  explain_status "$status" "$time_limit"
  explain_launch_failure "$status"
  local delivered=0
  deliver_output "$answer_file" || delivered=$?
  ((status == 0)) && status=$delivered
  return "$status"
}

main "$@"
