#include "sema/Scope.h"

namespace dlc::sema {

Symbol *Scope::lookup(const std::string &name) const {
  for (const Scope *s = this; s; s = s->parent_)
    if (Symbol *found = s->lookupHere(name)) return found;
  return nullptr;
}

Symbol *Scope::lookupHere(const std::string &name) const {
  auto it = symbols_.find(name);
  return it == symbols_.end() ? nullptr : it->second;
}

void Scope::collectNames(std::vector<std::string> &out) const {
  for (const Scope *s = this; s; s = s->parent_)
    for (auto &[name, symbol] : s->symbols_) out.push_back(name);
}

}  // namespace dlc::sema
