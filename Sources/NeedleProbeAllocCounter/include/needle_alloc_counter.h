#ifndef NEEDLE_ALLOC_COUNTER_H
#define NEEDLE_ALLOC_COUNTER_H
/*
 * Counts heap allocations made by the whole process between start and stop. Linked only
 * into needle-linux-probe: it replaces malloc/calloc/realloc (glibc documents replacing
 * them) with thin forwards to glibc's own allocator, so the probe can prove that the
 * backends' per-tick calls allocate nothing on a real kernel.
 */
#include <stdint.h>

void needle_alloc_count_start(void);
/// Allocations (malloc, calloc, realloc) since start.
uint64_t needle_alloc_count_stop(void);
#endif
