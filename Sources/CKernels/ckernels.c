#include "ckernels.h"

// One source, two machine codes: the loader picks the AVX2 clone on CPUs that have it (ifunc).
#if defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
void ckernels_accumulate(double *restrict total, const double *restrict g, size_t count) {
    for (size_t i = 0; i < count; i++) total[i] += g[i];
}
