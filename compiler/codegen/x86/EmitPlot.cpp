// Pictures (runtime/include/dl_plot.h): series started and extended, line
// charts of them, and decision boundaries. Each is one runtime call; a
// failure (an empty series, a file that cannot be written) stops the program
// with the runtime's message and exit status 2, as for every runtime call.
#include "codegen/x86/Emitter.h"

namespace dlc::codegen::x86 {

using ir::OpKind;
using llvm::Value;

void Emitter::emitPlot(const ir::Op &op) {
  switch (op.kind) {
  case OpKind::Series:
    if (op.attrs.text.size() != 1) return internalError(op.loc, "a series needs a name");
    return callChecked("dl_series_reset", {ctx_, i64(op.attrs.axis), stringConstant(op.attrs.text[0])});
  case OpKind::SeriesAdd: {
    const RtTensor &x = operand(op, 0), &y = operand(op, 1);
    if (x.rank() > 1 || y.rank() > 1) return internalError(op.loc, "series points are scalars or vectors");
    Value *n = x.rank() == 0 ? i64(1) : x.dims[0];
    if (y.rank() == 1) failIf(b_.CreateICmpNE(n, y.dims[0]), "adding {} x values but {} y values to a series",
                              op.loc, n, y.dims[0]);
    return callChecked("dl_series_add", {ctx_, i64(op.attrs.axis), i32(runtimeDType(x.dtype)), x.data,
                                         i32(runtimeDType(y.dtype)), y.data, n});
  }
  case OpKind::Plot: {
    if (op.attrs.text.size() != 3 || op.attrs.data.empty())
      return internalError(op.loc, "plot needs series, a title and axis labels");
    std::vector<Value *> ids;
    for (double id : op.attrs.data) ids.push_back(i64(static_cast<int64_t>(id)));
    return callChecked("dl_plot_series",
                       {ctx_, stringConstant(op.attrs.name), i64(static_cast<int64_t>(ids.size())),
                        arrayOf(b_.getInt64Ty(), ids, "plot.ids"), stringConstant(op.attrs.text[0]),
                        stringConstant(op.attrs.text[1]), stringConstant(op.attrs.text[2])});
  }
  case OpKind::PlotGrid: {
    const RtTensor &x = operand(op, 0);
    RtTensor out = allocate(DType::F32, resultDims(op.result->type, {}));
    callChecked("dl_plot_grid", {ctx_, stringConstant(op.attrs.name), x.data, x.dims[0], i64(op.attrs.axis), out.data});
    return define(op, out);
  }
  case OpKind::PlotBoundary: {
    const RtTensor &x = operand(op, 0), &y = operand(op, 1), &classes = operand(op, 2);
    failIf(b_.CreateICmpNE(x.dims[0], y.dims[0]), "plot_boundary: {} points but {} labels", op.loc, x.dims[0],
           y.dims[0]);
    return callChecked("dl_plot_boundary", {ctx_, stringConstant(op.attrs.name), x.data, y.data, x.dims[0],
                                            classes.data, i64(op.attrs.axis),
                                            stringConstant(op.attrs.text.empty() ? "" : op.attrs.text[0])});
  }
  default:
    return internalError(op.loc, std::string("no code generation for '") + ir::spelling(op.kind) + "'");
  }
}

}  // namespace dlc::codegen::x86
