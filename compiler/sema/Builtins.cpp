#include "sema/Builtins.h"

#include <sstream>

namespace dlc::sema {

namespace {
std::vector<std::string> words(const char *text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}
}  // namespace

const std::vector<BuiltinInfo> &builtins() {
  static const std::vector<BuiltinInfo> table = {
#define X(id, name, minArgs, maxArgs, named, doc) \
  BuiltinInfo{BuiltinId::id, name, minArgs, maxArgs, words(named), doc},
      DLC_BUILTINS(X)
#undef X
  };
  return table;
}

const BuiltinInfo &builtin(BuiltinId id) { return builtins().at(static_cast<size_t>(id)); }

}  // namespace dlc::sema
