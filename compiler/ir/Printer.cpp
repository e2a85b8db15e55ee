#include "ir/Printer.h"

#include <map>
#include <sstream>

namespace dlc::ir {

namespace {

class Printer {
public:
  Printer(const Module &module, std::ostream &out) : module_(module), out_(out) {}

  void module() {
    for (auto &s : module_.storages)
      out_ << "storage " << (s.kind == Storage::Param    ? "param"
                                : s.kind == Storage::State  ? "state"
                                : s.kind == Storage::Output ? "output"
                                                            : "var")
           << " \"" << s.name << "\": " << s.type.str() << "\n";
    out_ << "main {\n";
    region(module_.main(), 1);
    out_ << "}\n";
  }

private:
  std::string name(const Value *v) {
    if (!v) return "%?";
    auto it = numbers_.find(v);
    if (it == numbers_.end()) it = numbers_.emplace(v, numbers_.size()).first;
    return "%" + std::to_string(it->second);
  }

  static std::string number(double d) {
    std::ostringstream s;
    s.precision(17);
    s << d;
    return s.str();
  }

  std::string location(SourceLoc loc) {
    if (!loc.isValid() || !module_.sources) return "";
    LineColumn lc = module_.sources->lineColumn(loc);
    std::string file = module_.sources->file(loc.file).path();
    size_t slash = file.find_last_of('/');
    if (slash != std::string::npos) file = file.substr(slash + 1);
    return "  @" + file + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }

  std::string attrs(const Op &op) {
    const Attrs &a = op.attrs;
    std::string s;
    switch (category(op.kind)) {
    case Category::Reduce:
      s = a.allAxes ? "all" : "axis = " + std::to_string(a.axis);
      if (a.keepdim) s += ", keepdim";
      break;
    case Category::Storage:
    case Category::Data:
      s = "\"" + a.name + "\"";
      break;
    case Category::Constant: {
      for (size_t i = 0; i < a.data.size(); ++i) s += (i ? ", " : "") + number(a.data[i]);
      s = "[" + s + "]";
      break;
    }
    default:
      break;
    }
    if (op.kind == OpKind::Fill) s = "value = " + number(a.value);
    if (op.kind == OpKind::Randint) s = "lo = " + std::to_string(a.lo) + ", hi = " + std::to_string(a.hi);
    if ((op.kind == OpKind::Fused || op.kind == OpKind::FusedRows) && !a.data.empty()) {
      for (size_t i = 0; i < a.data.size(); ++i) s += (i ? ", " : "") + number(a.data[i]);
      s = "[" + s + "]";  // the body ops that are extra outputs
    }
    if (op.kind == OpKind::Concat || op.kind == OpKind::SizeOf || op.kind == OpKind::KernelOutput) s = "axis = " + std::to_string(a.axis);
    if (op.kind == OpKind::LoadCsv)
      s += ", label = " + std::to_string(a.labelColumn) + ", classes = " + std::to_string(a.classes) +
           ", header = " + std::to_string(a.header);
    if (op.kind == OpKind::SaveSafetensors || op.kind == OpKind::LoadSafetensors) {
      std::string names;
      for (size_t i = 0; i < a.text.size(); ++i) names += (i ? ", " : "") + ("\"" + a.text[i] + "\"");
      s += ", names = [" + names + "]";
    }
    if (op.kind == OpKind::Checkpoint || op.kind == OpKind::Resume)
      s = "\"" + a.name + "\", axis = " + std::to_string(a.axis);
    if (op.kind == OpKind::ResumeIndex) s = "axis = " + std::to_string(a.axis);
    if (op.kind == OpKind::Series || op.kind == OpKind::SeriesAdd || op.kind == OpKind::PlotGrid ||
        op.kind == OpKind::PlotBoundary)
      s += (s.empty() ? "" : ", ") + ("axis = " + std::to_string(a.axis));
    if (op.kind == OpKind::Series || op.kind == OpKind::Plot || op.kind == OpKind::PlotBoundary) {
      std::string names;
      for (size_t i = 0; i < a.text.size(); ++i) names += (i ? ", " : "") + ("\"" + a.text[i] + "\"");
      s += ", names = [" + names + "]";
    }
    if (op.kind == OpKind::Plot) {
      std::string ids;
      for (size_t i = 0; i < a.data.size(); ++i) ids += (i ? ", " : "") + number(a.data[i]);
      s += ", [" + ids + "]";
    }
    if (op.kind == OpKind::Check) s = "\"" + (a.text.empty() ? std::string() : a.text[0]) + "\"";
    if (op.kind == OpKind::Print) {
      for (size_t i = 0; i < a.text.size(); ++i) s += (i ? ", " : "") + ("\"" + a.text[i] + "\"");
      if (a.precision >= 0) s += ", precision = " + std::to_string(a.precision);
    }
    if (op.kind == OpKind::Index || op.kind == OpKind::IndexGrad) {
      for (size_t i = 0; i < a.items.size(); ++i) {
        auto &it = a.items[i];
        s += (i ? ", " : "");
        s += it.isSlice ? std::to_string(it.lo) + ":" + std::to_string(it.hi) : std::to_string(it.lo);
      }
      s = "items [" + s + "]";
    }
    return s.empty() ? "" : " {" + s + "}";
  }

  void region(const Region &r, int depth) {
    std::string indent(static_cast<size_t>(depth) * 2, ' ');
    for (auto &op : r.ops) {
      out_ << indent;
      if (op->result) out_ << name(op->result) << ": " << op->result->type.str() << " = ";
      out_ << spelling(op->kind);
      for (size_t i = 0; i < op->operands.size(); ++i) out_ << (i ? ", " : " ") << name(op->operands[i]);
      out_ << attrs(*op);
      for (auto &inner : op->regions) {
        out_ << " {";
        if (!inner->args.empty()) {
          out_ << " (";
          for (size_t i = 0; i < inner->args.size(); ++i)
            out_ << (i ? ", " : "") << name(inner->args[i]) << ": " << inner->args[i]->type.str();
          out_ << ")";
        }
        out_ << "\n";
        region(*inner, depth + 1);
        out_ << indent << "}";
      }
      out_ << location(op->loc) << "\n";
    }
  }

  const Module &module_;
  std::ostream &out_;
  std::map<const Value *, size_t> numbers_;
};

}  // namespace

void print(const Module &module, std::ostream &out) { Printer(module, out).module(); }

}  // namespace dlc::ir
