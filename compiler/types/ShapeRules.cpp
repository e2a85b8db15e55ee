#include "types/ShapeRules.h"

namespace dlc::shapes {

bool sameDim(const Dim &a, const Dim &b) { return a == b; }

bool broadcast(const Shape &a, const Shape &b, Shape *out, std::string *why) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    const Dim *da = i < rank - a.size() ? nullptr : &a[i - (rank - a.size())];
    const Dim *db = i < rank - b.size() ? nullptr : &b[i - (rank - b.size())];
    if (!da) { result[i] = *db; continue; }
    if (!db) { result[i] = *da; continue; }
    if (*da == *db || db->isOne()) { result[i] = *da; continue; }
    if (da->isOne()) { result[i] = *db; continue; }
    if (why)
      *why = "dimension " + std::to_string(i) + " is " + da->str() + " on the left and " + db->str() +
             " on the right";
    return false;
  }
  *out = std::move(result);
  return true;
}

bool matmul(const Shape &a, const Shape &b, Shape *out, std::string *why) {
  if (a.size() < 2 || b.size() < 2) {
    if (why) *why = "both operands must have at least 2 dimensions";
    return false;
  }
  const Dim &inner = a[a.size() - 1], &innerB = b[b.size() - 2];
  if (inner != innerB) {
    if (why) *why = inner.str() + " != " + innerB.str();
    return false;
  }
  Shape batchA(a.begin(), a.end() - 2), batchB(b.begin(), b.end() - 2), batch;
  if (!broadcast(batchA, batchB, &batch, why)) return false;
  batch.push_back(a[a.size() - 2]);
  batch.push_back(b[b.size() - 1]);
  *out = std::move(batch);
  return true;
}

bool normalizeAxis(int64_t axis, size_t rank, size_t *out) {
  auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return false;
  *out = static_cast<size_t>(axis < 0 ? axis + r : axis);
  return true;
}

bool reduce(const Shape &in, std::optional<int64_t> axis, bool keepdim, Shape *out, std::string *why) {
  if (!axis) {
    *out = keepdim ? Shape(in.size(), Dim::fixed(1)) : Shape{};
    return true;
  }
  size_t index;
  if (!normalizeAxis(*axis, in.size(), &index)) {
    if (why)
      *why = "axis " + std::to_string(*axis) + " is out of range for a tensor with " +
             std::to_string(in.size()) + (in.size() == 1 ? " dimension" : " dimensions");
    return false;
  }
  Shape result = in;
  if (keepdim) result[index] = Dim::fixed(1);
  else result.erase(result.begin() + static_cast<ptrdiff_t>(index));
  *out = std::move(result);
  return true;
}

Shape transpose(const Shape &in) {
  Shape out = in;
  if (out.size() >= 2) std::swap(out[out.size() - 1], out[out.size() - 2]);
  return out;
}

bool reshape(const Shape &in, const std::vector<std::optional<Dim>> &target, const FreshDim &fresh,
             Shape *out, std::string *why) {
  int inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i]) continue;
    if (inferred >= 0) {
      if (why) *why = "only one dimension can be -1";
      return false;
    }
    inferred = static_cast<int>(i);
  }
  TensorType source{DType::F32, in};
  std::optional<int64_t> total = source.staticElementCount();
  int64_t known = 1;
  bool knownStatic = true;
  for (auto &d : target) {
    if (!d) continue;
    if (!d->isStatic()) knownStatic = false;
    else known *= d->size;
  }
  Shape result;
  for (auto &d : target) result.push_back(d ? *d : Dim::fixed(0));
  if (inferred >= 0) {
    if (total && knownStatic) {
      if (known == 0 || *total % known != 0) {
        if (why)
          *why = std::to_string(*total) + " elements cannot be split into rows of " + std::to_string(known);
        return false;
      }
      result[static_cast<size_t>(inferred)] = Dim::fixed(*total / known);
    } else {
      // One symbolic source dimension, and the static parts hold the same
      // number of elements: the inferred dimension is that one ([N, 28, 28]
      // to [-1, 784] gives [N, 784]).
      const Dim *symbolic = nullptr;
      int symbols = 0;
      int64_t sourceStatic = 1;
      for (auto &d : in) {
        if (d.isStatic()) sourceStatic *= d.size;
        else if (++symbols == 1) symbolic = &d;
      }
      bool same = symbols == 1 && knownStatic && sourceStatic == known;
      result[static_cast<size_t>(inferred)] = same ? *symbolic : fresh("inferred");
    }
  } else if (total && knownStatic && *total != known) {
    if (why)
      *why = "a tensor of " + std::to_string(*total) + " elements cannot be viewed as " +
             std::to_string(known);
    return false;
  }
  *out = std::move(result);
  return true;
}

bool concat(const std::vector<Shape> &parts, int64_t axis, const FreshDim &fresh, Shape *out,
            std::string *why) {
  if (parts.empty()) {
    if (why) *why = "nothing to concatenate";
    return false;
  }
  const Shape &first = parts[0];
  size_t index;
  if (!normalizeAxis(axis, first.size(), &index)) {
    if (why)
      *why = "axis " + std::to_string(axis) + " is out of range for tensors with " +
             std::to_string(first.size()) + " dimensions";
    return false;
  }
  Shape result = first;
  bool allStatic = first[index].isStatic();
  int64_t total = first[index].size;
  for (size_t p = 1; p < parts.size(); ++p) {
    const Shape &s = parts[p];
    if (s.size() != first.size()) {
      if (why)
        *why = "part " + std::to_string(p) + " has " + std::to_string(s.size()) +
               " dimensions, part 0 has " + std::to_string(first.size());
      return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
      if (i == index) continue;
      if (s[i] != first[i]) {
        if (why)
          *why = "dimension " + std::to_string(i) + " is " + first[i].str() + " in part 0 and " +
                 s[i].str() + " in part " + std::to_string(p);
        return false;
      }
    }
    allStatic = allStatic && s[index].isStatic();
    total += s[index].size;
  }
  result[index] = allStatic ? Dim::fixed(total) : fresh("concat");
  *out = std::move(result);
  return true;
}

}  // namespace dlc::shapes
