// Counts heap allocations of the whole process, for the overhead benchmark's "no allocation per call" check.
//
// Linking this target into an executable replaces malloc, calloc, realloc, posix_memalign, aligned_alloc and
// memalign for the whole process (the executable's definitions win over libc's in dynamic linking) with
// versions that count the call and forward to glibc's own allocator (__libc_malloc & co).
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// The number of allocation calls since the process started.
unsigned long allocation_count(void);

#endif
