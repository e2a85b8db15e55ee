// The compiler-provided functions: one row each (name, positional arity,
// named arguments, one-line doc). Their type rules are in SemaCall.cpp.
#pragma once

#include <string>
#include <vector>

namespace dlc::sema {

#define DLC_BUILTINS(X)                                                                  \
  /* id, name, min positional, max positional, named arguments, doc */                  \
  X(Exp, "exp", 1, 1, "", "e raised to x, elementwise")                                   \
  X(Log, "log", 1, 1, "", "natural logarithm, elementwise")                               \
  X(Sqrt, "sqrt", 1, 1, "", "square root, elementwise")                                   \
  X(Abs, "abs", 1, 1, "", "absolute value, elementwise")                                  \
  X(Tanh, "tanh", 1, 1, "", "hyperbolic tangent, elementwise")                            \
  X(Sin, "sin", 1, 1, "", "sine, elementwise")                                            \
  X(Cos, "cos", 1, 1, "", "cosine, elementwise")                                          \
  X(Max, "max", 1, 2, "axis keepdim", "max(a, b) elementwise, or max(x, axis:) reduction") \
  X(Min, "min", 1, 2, "axis keepdim", "min(a, b) elementwise, or min(x, axis:) reduction") \
  X(Where, "where", 3, 3, "", "where(cond, a, b): a where cond holds, else b")            \
  X(Sum, "sum", 1, 1, "axis keepdim", "sum of the elements, or along an axis")            \
  X(Mean, "mean", 1, 1, "axis keepdim", "mean of the elements, or along an axis")         \
  X(Argmax, "argmax", 1, 1, "axis", "index of the largest element along an axis (i32)")  \
  X(Transpose, "transpose", 1, 1, "", "swaps the last two dimensions")                    \
  X(Reshape, "reshape", 2, 2, "", "reshape(x, [a, b]): the same elements in a new shape") \
  X(Len, "len", 1, 1, "", "number of rows of a dataset or tensor")                         \
  X(ShapeOf, "shape", 1, 1, "", "the dimensions of a tensor, as i32[rank]")              \
  X(Size, "size", 2, 2, "", "size(x, axis): one dimension of a tensor, as an int")       \
  X(Concat, "concat", 1, 1, "axis", "concat([a, b], axis:): joins tensors along an axis") \
  X(OneHot, "one_hot", 2, 2, "", "one_hot(labels, classes): f32 rows with a 1 at each label") \
  X(Zeros, "zeros", 0, 1, "", "a tensor of zeros")                                        \
  X(Ones, "ones", 0, 1, "", "a tensor of ones")                                           \
  X(Full, "full", 1, 2, "", "full(shape, v): a tensor filled with v")                      \
  X(Rand, "rand", 0, 1, "", "uniform random numbers in [0, 1), as PyTorch draws them")   \
  X(Randn, "randn", 0, 1, "", "standard normal random numbers")                           \
  X(Randint, "randint", 3, 3, "", "randint(lo, hi, shape): random integers in [lo, hi), as f32") \
  X(Uniform, "uniform", 2, 3, "", "uniform(lo, hi, shape): uniform random numbers in [lo, hi)") \
  X(Normal, "normal", 2, 3, "", "normal(mean, std, shape): normal random numbers")        \
  X(XavierUniform, "xavier_uniform", 0, 1, "", "Glorot uniform initialisation")           \
  X(KaimingUniform, "kaiming_uniform", 0, 1, "", "He uniform initialisation")             \
  X(Arange, "arange", 1, 1, "", "arange(n): 0, 1, ..., n-1 as i32")                         \
  X(ZerosLike, "zeros_like", 1, 1, "", "zeros with the type of x")                        \
  X(OnesLike, "ones_like", 1, 1, "", "ones with the type of x")                           \
  X(CastF32, "f32", 1, 1, "", "converts to f32")                                          \
  X(CastF64, "f64", 1, 1, "", "converts to f64")                                          \
  X(CastI32, "i32", 1, 1, "", "converts to i32 (truncating)")                              \
  X(Seed, "seed", 1, 1, "", "seeds the random generator (as torch.manual_seed)")         \
  X(Print, "print", 0, 64, "precision", "prints values separated by spaces")              \
  X(Grad, "grad", 2, 2, "", "grad(y, x): the gradient of scalar y with respect to x")    \
  X(Checkpoint, "checkpoint", 0, 0, "every path", "checkpoint(every: k, path: p): every k-th run, saves the training state (resume with --resume)") \
  X(Save, "save", 2, 2, "", "save(model, path): writes the parameters as safetensors")    \
  X(Load, "load", 2, 2, "", "load(model, path): reads parameters written by save")       \
  X(LoadCsv, "load_csv", 1, 1, "features label classes header", "reads a CSV file as a dataset") \
  X(LoadNpy, "load_npy", 1, 1, "", "reads a .npy array; its type comes from the binding")  \
  X(LoadIdx, "load_idx", 1, 1, "", "reads an IDX (MNIST) file; its type comes from the binding") \
  X(Dataset, "dataset", 2, 2, "", "dataset(x, y): pairs inputs with targets")             \
  X(Split, "split", 2, 2, "seed", "split(ds, fraction, seed:): a shuffled train/test split") \
  X(Batches, "batches", 2, 2, "shuffle seed", "batches(ds, size, shuffle:, seed:): mini-batches") \
  X(Series, "series", 1, 1, "", "series(name): points to plot, added with s.add(x, y)")    \
  X(Plot, "plot", 2, 9, "title xlabel ylabel", "plot(path, s1, s2, ...): a PNG line chart of series") \
  X(PlotBoundary, "plot_boundary", 3, 3, "title size", "plot_boundary(path, net, ds): a PNG of a 2-D classifier's regions")

enum class BuiltinId : int {
#define X(id, name, minArgs, maxArgs, named, doc) id,
  DLC_BUILTINS(X)
#undef X
      Count
};

struct BuiltinInfo {
  BuiltinId id;
  const char *name;
  int minPositional;
  int maxPositional;
  std::vector<std::string> named;
  const char *doc;
};

const std::vector<BuiltinInfo> &builtins();
const BuiltinInfo &builtin(BuiltinId id);

}  // namespace dlc::sema
