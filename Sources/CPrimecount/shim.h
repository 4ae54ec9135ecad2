// libprimecount's C API (Debian: libprimecount-dev): the benchmark's yardstick for the combinatorial sum
// (its π(x), "a sum as cheap as a count"). Nothing in the product links it.
#include <primecount.h>
