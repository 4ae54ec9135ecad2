#!/usr/bin/env bash
# Builds a cluster of test hosts in network namespaces and runs ./run.sh across them through a hostfile.
#
#   netns-cluster.sh HOSTS -- RUN.SH-ARGS...
#
# With PRIMESUM_TEST_LINK_DOWN=HOST:SECONDS, host HOST's link goes down SECONDS after the job starts, and
# stays down. With PRIMESUM_TEST_KILL_RANK=RANK:SECONDS, rank RANK of this cluster's job is killed (SIGKILL)
# SECONDS after the job starts.
#
# Host i is the namespace <id>h<i>, address 10.<x>.<y>.i on a bridge that exists only inside the namespaces
# (nothing is configured in the root namespace; no packet leaves the machine), hostname h<i> in its own UTS
# namespace. Open MPI reaches the hosts through an rsh agent that enters their namespaces (instead of ssh),
# and mpirun itself runs on h1. Everything is torn down on exit, whatever happens. Needs root and iproute2.
set -euo pipefail

hosts=$1
shift
[[ ${1-} == -- ]] && shift
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

id=ps$$
subnet_prefix="10.$((100 + $$ % 100)).$(($$ / 100 % 250))"
subnet="$subnet_prefix.0/24"
work=$(mktemp -d "/tmp/primesum-netns.XXXXXX")

cleanup() {
  local ns pid
  for ((i = 1; i <= hosts; i++)); do
    ns=${id}h$i
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  [[ -n ${link_cutter-} ]] && kill "$link_cutter" 2>/dev/null || true
  [[ -n ${rank_killer-} ]] && kill "$rank_killer" 2>/dev/null || true
  ip netns del "${id}br" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "${id}br"
ip -n "${id}br" link add br0 type bridge
ip -n "${id}br" link set br0 up
for ((i = 1; i <= hosts; i++)); do
  ns=${id}h$i
  ip netns add "$ns"
  ip -n "${id}br" link add "v$i" type veth peer name eth0 netns "$ns"
  ip -n "${id}br" link set "v$i" master br0
  ip -n "${id}br" link set "v$i" up
  ip -n "$ns" addr add "$subnet_prefix.$i/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  echo "$subnet_prefix.$i slots=1" >>"$work/hostfile"
done

# Open MPI calls the agent like ssh: agent HOST COMMAND-WORDS... The words must go through a shell.
cat >"$work/agent" <<AGENT
#!/bin/sh
host=\$1
shift
i=\${host##*.}
exec ip netns exec ${id}h\$i unshare --uts sh -c "hostname h\$i; \$*"
AGENT
chmod +x "$work/agent"

export OMPI_MCA_plm_rsh_agent="$work/agent"
export OMPI_MCA_plm_rsh_no_tree_spawn=1
export OMPI_MCA_btl=tcp,self
if [[ -n ${PRIMESUM_TEST_LINK_DOWN-} ]]; then
  (sleep "${PRIMESUM_TEST_LINK_DOWN#*:}" && ip -n "${id}br" link set "v${PRIMESUM_TEST_LINK_DOWN%%:*}" down) &
  link_cutter=$!
fi
if [[ -n ${PRIMESUM_TEST_KILL_RANK-} ]]; then
  # This cluster's ranks carry its agent's path in their environment; the rank's number is mpirun's.
  (sleep "${PRIMESUM_TEST_KILL_RANK#*:}"
   for pid in $(pgrep -x prime-sum); do
     environment=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") || continue
     grep -qx "OMPI_MCA_plm_rsh_agent=$work/agent" <<<"$environment" &&
       grep -qx "OMPI_COMM_WORLD_RANK=${PRIMESUM_TEST_KILL_RANK%%:*}" <<<"$environment" && kill -KILL "$pid"
   done) &
  rank_killer=$!
fi
ip netns exec "${id}h1" unshare --uts sh -c 'hostname h1; exec "$@"' sh \
  "$project_dir/run.sh" --no-build --hostfile "$work/hostfile" --net "$subnet" "$@"
