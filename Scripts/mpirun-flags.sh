#!/usr/bin/env bash
# The one place for the Open MPI mpirun flags every PrimeSum launch starts from. run.sh sources it; the
# tests and the benchmark run it and read the flags it prints, one per line.
#
#   --quiet               no banner lines from mpirun around the answer (run.sh drops it: it filters
#                         mpirun's messages itself, to name a rank that died; Scripts/launcher-messages.pl)
#   --bind-to none        Open MPI would pin each rank to one core, and a rank's --threads would share it
#   --mca pml ob1         the ob1 point-to-point layer: start-up 330 ms -> 130 ms against the default here
#   --allow-run-as-root   only when run as root
mpirun_base_flags=(--quiet --bind-to none)
((EUID == 0)) && mpirun_base_flags+=(--allow-run-as-root)
readonly default_pml=ob1

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  printf '%s\n' "${mpirun_base_flags[@]}" --mca pml "$default_pml"
fi
