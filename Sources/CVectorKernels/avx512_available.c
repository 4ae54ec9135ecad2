// Whether the AVX-512 kernels can run here: the CPU has the instructions and the OS saves the registers.
#include "vector_kernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

int primesum_avx512_available(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (!(ebx & (1u << 16)) || !(ecx & (1u << 14))) return 0;  // AVX512F, AVX512_VPOPCNTDQ
    unsigned xcr0Low, xcr0High;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    return (xcr0Low & 0xE6) == 0xE6;  // SSE, AVX, opmask, upper halves of zmm0-15, zmm16-31 saved by the OS
}

#else

int primesum_avx512_available(void) { return 0; }

#endif
