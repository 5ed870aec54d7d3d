#pragma once

// Marks a loop over distinct per-cell arrays as free of cross-iteration
// dependences. GCC does not always trust __restrict on local pointers and
// otherwise leaves the plant's per-cell loops scalar.
#if defined(__clang__)
#define PACKSIM_INDEPENDENT_ITERATIONS _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define PACKSIM_INDEPENDENT_ITERATIONS _Pragma("GCC ivdep")
#else
#define PACKSIM_INDEPENDENT_ITERATIONS
#endif
