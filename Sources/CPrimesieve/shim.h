// libprimesieve's C API (Debian: libprimesieve-dev), used only by tests and benchmarks as an
// independent oracle and yardstick. Nothing in the product links it.
#include <primesieve.h>
