// fuse-rows: reductions over the last dimension fused with the elementwise
// ops that produce what they reduce and that use their results: softmax and
// cross-entropy, forward and backward, become one fused_rows kernel each,
// which runs over the rows and, in each row, evaluates its ops on that row
// only (small row buffers instead of whole intermediate tensors).
//
// Scanning each region from the end: an op whose result is a full shape
// [R..., C] (C static, > 1), or a reduction over the last dimension of such a
// shape (sum, mean, reduce_max, reduce_min, or reduce_to [R..., 1]), roots a
// kernel. A producer joins when it is such a reduction, an elementwise op
// whose result is a full row or one value per row, or a broadcast of one
// value per row to the full shape; when each of its operands is a full row,
// one value per row, a vector along the last dimension or a scalar; and when
// its users outside the kernel all come after the root (its value is then an
// extra output, read by a kernel_output). A kernel needs a reduction among
// its members (elementwise chains are fuse-elementwise's).
//
// Numbers do not change: a row's sum is dl_sum over that row, which is what
// the unfused reduction computes for it (ATen's order depends only on the
// row), a maximum scans the row in order as the unfused one does, and every
// elementwise op keeps its operands, types and order.
#pragma once

#include "passes/Pass.h"

namespace dlc::passes {

Pass createFuseRowsPass();

}  // namespace dlc::passes
