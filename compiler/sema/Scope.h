// Lexical scopes: a name → symbol map with a parent. Function scopes hang off
// the global scope, not off the main program's, so functions cannot see the
// main program's bindings.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sema/Sema.h"

namespace dlc::sema {

class Scope {
public:
  enum Kind : uint8_t { Global, Main, Model, Function, Block };

  Scope(Scope *parent, Kind kind) : parent_(parent), kind_(kind) {}

  Symbol *lookup(const std::string &name) const;
  Symbol *lookupHere(const std::string &name) const;
  void define(Symbol *symbol) { symbols_[symbol->name] = symbol; }

  // Every visible name, innermost first (for "did you mean").
  void collectNames(std::vector<std::string> &out) const;
  Scope *parent() const { return parent_; }
  Kind kind() const { return kind_; }
  const std::map<std::string, Symbol *> &symbols() const { return symbols_; }

private:
  Scope *parent_;
  Kind kind_;
  std::map<std::string, Symbol *> symbols_;
};

}  // namespace dlc::sema
