// The shape rules of every tensor operation, in one place. Sema calls them to
// check programs; the IR verifier, autodiff and fusion call the same
// functions, so a rule is written once.
//
// Each rule returns false when the operands do not fit; `why` then says which
// dimension is at fault, for the caller to put into a diagnostic.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "types/Type.h"

namespace dlc::shapes {

// Makes a fresh run-time dimension, named for the user (e.g. "rows").
using FreshDim = std::function<Dim(const std::string &name)>;

// NumPy broadcasting, aligned at the right. A symbolic size matches itself
// and 1; it never matches a different static size or another symbol.
bool broadcast(const Shape &a, const Shape &b, Shape *out, std::string *why);

// a @ b: both rank >= 2; inner dimensions equal; leading dims broadcast.
bool matmul(const Shape &a, const Shape &b, Shape *out, std::string *why);

// Python-style axis (negative counts from the end) → index; false if out of range.
bool normalizeAxis(int64_t axis, size_t rank, size_t *out);

// sum/mean/max/min/argmax over one axis (or all, when axis is empty).
bool reduce(const Shape &in, std::optional<int64_t> axis, bool keepdim, Shape *out, std::string *why);

// transpose: swaps the last two dimensions (rank >= 2), or is the identity on rank < 2.
Shape transpose(const Shape &in);

// reshape to `target`, where one entry may be the marker -1 (inferred).
// Element counts must agree when both are static.
bool reshape(const Shape &in, const std::vector<std::optional<Dim>> &target, const FreshDim &fresh,
             Shape *out, std::string *why);

// concat along `axis`: all other dimensions equal.
bool concat(const std::vector<Shape> &parts, int64_t axis, const FreshDim &fresh, Shape *out,
            std::string *why);

// Equality of two dimensions as the rules see it.
bool sameDim(const Dim &a, const Dim &b);

}  // namespace dlc::shapes
