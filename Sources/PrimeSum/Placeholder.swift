import MPI
import PrimeSieve
