// Loops of the worker's hot path that Swift compiles only to the baseline x86-64 vector width.
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>

/// total[i] += g[i] for i < count: a training's gradients summed over a mini-batch. AVX2 where
/// the CPU has it (chosen once at load time), SSE2 otherwise.
void ckernels_accumulate(double *restrict total, const double *restrict g, size_t count);

#endif
