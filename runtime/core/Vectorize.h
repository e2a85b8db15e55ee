// DL_VECTORIZE marks a function whose loops GCC should vectorise at -O2 as
// well (clang does so by default). Vectorising never changes a number here:
// the loops it is used on add or transform independent lanes.
#ifndef DL_RUNTIME_CORE_VECTORIZE_H
#define DL_RUNTIME_CORE_VECTORIZE_H

#if defined(__GNUC__) && !defined(__clang__)
#define DL_VECTORIZE __attribute__((optimize("tree-vectorize")))
#else
#define DL_VECTORIZE
#endif

#endif
