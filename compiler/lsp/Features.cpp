#include "lsp/Features.h"

#include <algorithm>

#include "sema/Builtins.h"

namespace dlc::lsp {

using sema::Symbol;

namespace {

json locationJson(const Analysis &analysis, SourceRange range, const std::string &documentUri) {
  const SourceFile &file = analysis.compilation->sources.file(range.begin.file);
  return {{"uri", uriOf(analysis, range.begin.file, documentUri)},
          {"range", rangeJson(file, range.begin.offset, range.end.offset)}};
}

bool inFile(SourceRange range, int32_t file) { return range.isValid() && range.begin.file == file; }

std::string paramsText(const SourceManager &sources, const std::vector<ast::Param> &params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    const ast::Param &p = params[i];
    out += (i ? ", " : "") + p.name;
    if (p.declared) out += ": " + sourceText(sources, p.declared->range, 40);
    if (p.defaultValue) out += " = " + sourceText(sources, p.defaultValue->range, 40);
  }
  return out + ")";
}

std::string fnSignature(const SourceManager &sources, const ast::FnDecl &fn) {
  std::string out = "fn " + fn.name + paramsText(sources, fn.params);
  if (fn.result) out += " -> " + sourceText(sources, fn.result->range, 40);
  return out;
}

// The signature of the instance a call resolved to, with its types:
// "fn relu(x: f32[N, 128]) -> f32[N, 128]".
std::string instanceSignature(const sema::FnInstance &fn) {
  std::string out = "fn " + fn.displayName + "(";
  for (size_t i = 0; i < fn.params.size() && i < fn.paramTypes.size(); ++i)
    out += (i ? ", " : "") + fn.params[i]->name + ": " + fn.paramTypes[i].str();
  return out + ") -> " + fn.result.str();
}

std::string callSignature(const ast::CallExpr &call) {
  if (call.function && (call.callKind == ast::CallKind::Function)) return instanceSignature(*call.function);
  if (call.callKind == ast::CallKind::Builtin) {
    std::string out = call.calleeName() + "(";
    for (size_t i = 0; i < call.args.size(); ++i) {
      const ast::Argument &a = call.args[i];
      out += (i ? ", " : "") + (a.name.empty() ? "" : a.name + ": ") + (a.value ? a.value->type.str() : "?");
    }
    return out + ") -> " + call.type.str();
  }
  if (call.callKind == ast::CallKind::ModelConstruct && call.model) return "model " + call.model->display;
  if (call.callKind == ast::CallKind::OptimizerConstruct && call.optimizer) return "optimizer " + call.optimizer->display;
  return "";
}

bool isCallable(Symbol::Kind kind) {
  return kind == Symbol::Function || kind == Symbol::Method || kind == Symbol::Model ||
         kind == Symbol::Optimizer || kind == Symbol::Builtin;
}

// One line of a hover: what the occurrence is, with its type.
std::string describe(const Analysis &analysis, const Occurrence &o) {
  const SourceManager &sources = analysis.compilation->sources;
  if (o.symbol && isCallable(o.symbol->kind)) {
    if (o.call) {
      std::string sig = callSignature(*o.call);
      if (!sig.empty()) return sig;
    }
    // A declaration: its checked instances, with their types.
    std::string instances;
    if (o.symbol->fn && analysis.compilation->program)
      for (auto &fn : analysis.compilation->program->functions)
        if (fn->decl == o.symbol->fn && !fn->failed && (!o.symbol->owner || fn->model == o.symbol->owner))
          instances += (instances.empty() ? "" : "\n") + instanceSignature(*fn);
    return instances.empty() ? signatureOf(sources, *o.symbol) : instances;
  }
  Type type = o.type;
  if (type.isError() && o.symbol) type = o.symbol->type;
  std::string what = !o.name.empty() ? o.name : sourceText(sources, o.range, 60);
  if (type.isError()) return what + ": <unknown: it has errors>";
  return what + ": " + type.str();
}

// ---- Document symbols -------------------------------------------------------

json symbolJson(const SourceFile &file, const std::string &name, const std::string &detail, SymbolKind kind,
                SourceRange range, SourceRange selection, json children = json::array()) {
  if (!range.isValid()) range = selection;
  range = range.to(selection);
  json s = {{"name", name.empty() ? "<missing>" : name},
            {"kind", static_cast<int>(kind)},
            {"range", rangeJson(file, range.begin.offset, range.end.offset)},
            {"selectionRange", rangeJson(file, selection.begin.offset, selection.end.offset)},
            {"children", std::move(children)}};
  if (!detail.empty()) s["detail"] = detail;
  return s;
}

json paramSymbols(const SourceManager &sources, const SourceFile &file, const std::vector<ast::Param> &params,
                  SymbolKind kind) {
  json out = json::array();
  for (auto &p : params) {
    if (!p.range.isValid()) continue;
    std::string detail = p.declared ? sourceText(sources, p.declared->range, 40) : "";
    out.push_back(symbolJson(file, p.name, detail, kind, p.range, p.range));
  }
  return out;
}

json fnSymbol(const SourceManager &sources, const SourceFile &file, const ast::FnDecl &fn, SymbolKind kind) {
  std::string sig = fnSignature(sources, fn);
  return symbolJson(file, fn.name, sig.substr(3 + fn.name.size()), kind, fn.range, fn.nameRange,
                    paramSymbols(sources, file, fn.params, SymbolKind::Variable));
}

}  // namespace

std::string sourceText(const SourceManager &sources, SourceRange range, size_t limit) {
  if (!range.isValid() || range.begin.file >= static_cast<int32_t>(sources.fileCount())) return "";
  const std::string &text = sources.file(range.begin.file).text();
  size_t begin = std::min<size_t>(range.begin.offset, text.size());
  size_t end = std::min<size_t>(std::max(range.end.offset, range.begin.offset), text.size());
  std::string out;
  bool space = false;
  for (size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= limit) {
      // Do not cut a UTF-8 sequence in half.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      return out + "…";
    }
  }
  return out;
}

std::string signatureOf(const SourceManager &sources, const Symbol &symbol) {
  switch (symbol.kind) {
  case Symbol::Function:
  case Symbol::Method:
    if (symbol.fn) return fnSignature(sources, *symbol.fn);
    break;
  case Symbol::Model:
    if (symbol.model) return "model " + symbol.model->name + paramsText(sources, symbol.model->params);
    break;
  case Symbol::Optimizer:
    if (symbol.optimizer) return "optimizer " + symbol.optimizer->name + paramsText(sources, symbol.optimizer->params);
    break;
  case Symbol::Builtin: {
    if (symbol.builtin < 0 || symbol.builtin >= static_cast<int>(sema::BuiltinId::Count)) break;
    const sema::BuiltinInfo &info = sema::builtin(static_cast<sema::BuiltinId>(symbol.builtin));
    std::string out = "builtin " + symbol.name + "(";
    if (info.maxPositional > 0) out += "…";
    for (size_t i = 0; i < info.named.size(); ++i)
      out += std::string(info.maxPositional > 0 || i ? ", " : "") + info.named[i] + ":";
    return out + ")";
  }
  default:
    break;
  }
  return symbol.name + ": " + symbol.type.str();
}

std::string uriOf(const Analysis &analysis, int32_t file, const std::string &documentUri) {
  if (file == analysis.mainFileId()) return documentUri;
  return uriFromPath(analysis.compilation->sources.file(file).path());
}

json diagnosticsParams(const Analysis &analysis, const std::string &uri, int64_t version) {
  const SourceManager &sources = analysis.compilation->sources;
  const SourceFile &main = analysis.mainFile();
  int32_t mainId = main.id();
  json list = json::array();
  auto add = [&](Severity severity, SourceRange range, const std::string &message, json related) {
    json d = {{"range", rangeJson(main, range.begin.offset, range.end.offset)},
              {"severity", static_cast<int>(severity == Severity::Error     ? DiagnosticSeverity::Error
                                            : severity == Severity::Warning ? DiagnosticSeverity::Warning
                                                                            : DiagnosticSeverity::Information)},
              {"source", "dlc"},
              {"message", message}};
    if (!related.empty()) d["relatedInformation"] = std::move(related);
    list.push_back(std::move(d));
  };
  if (!analysis.internalError.empty())
    add(Severity::Error, SourceRange(SourceLoc{mainId, 0}), "internal error in dlc: " + analysis.internalError,
        json::array());

  for (const Diagnostic &d : analysis.compilation->diags.diagnostics()) {
    json related = json::array();
    const DiagnosticNote *noteHere = nullptr;
    bool selfRedefinition = false;
    for (auto &n : d.notes) {
      if (!n.loc.isValid()) continue;
      SourceRange at = n.range.isValid() ? n.range : SourceRange(n.loc);
      related.push_back(json::object({{"location", locationJson(analysis, at, uri)}, {"message", n.message}}));
      if (!noteHere && n.loc.file == mainId) noteHere = &n;
      // Opening a stdlib file: its declarations meet their embedded copies.
      selfRedefinition = selfRedefinition || (n.loc.file != mainId && sources.file(n.loc.file).path() == main.path());
    }
    if (selfRedefinition && d.message.rfind("redefinition of", 0) == 0) continue;

    if (d.loc.isValid() && d.loc.file == mainId) {
      SourceRange range = inFile(d.range, mainId) ? d.range : SourceRange(d.loc);
      add(d.severity, range, d.message, std::move(related));
      continue;
    }
    std::string where = d.loc.isValid() ? sources.describe(d.loc) : "";
    if (d.loc.isValid()) {
      SourceRange there = inFile(d.range, d.loc.file) ? d.range : SourceRange(d.loc);
      related.insert(related.begin(),
                     json::object({{"location", locationJson(analysis, there, uri)}, {"message", d.message}}));
    }
    if (noteHere) {
      add(d.severity, noteHere->range.isValid() ? noteHere->range : SourceRange(noteHere->loc),
          d.message + (where.empty() ? "" : "\n  at " + where) + "\n  " + noteHere->message, std::move(related));
    } else {
      add(d.severity, SourceRange(SourceLoc{mainId, 0}), where.empty() ? d.message : where + ": " + d.message,
          std::move(related));
    }
  }
  json params = {{"uri", uri}, {"diagnostics", std::move(list)}};
  if (version) params["version"] = version;
  return params;
}

json hover(const Analysis &analysis, Position position) {
  const SourceFile &file = analysis.mainFile();
  auto hits = occurrencesAt(analysis.occurrences, offsetOf(file, position));
  if (hits.empty()) return nullptr;
  std::vector<std::string> lines;
  std::string doc, kind;
  for (const Occurrence *o : hits) {
    std::string line = describe(analysis, *o);
    if (std::find(lines.begin(), lines.end(), line) == lines.end() && lines.size() < 8) lines.push_back(line);
    if (o->symbol && doc.empty()) doc = o->symbol->doc;
    if (o->symbol && kind.empty() && !isCallable(o->symbol->kind)) kind = sema::kindName(o->symbol->kind);
  }
  std::string text = "```dl\n";
  for (auto &l : lines) text += l + "\n";
  text += "```";
  if (!kind.empty()) text += "\n*" + kind + "*";
  if (!doc.empty()) text += "\n\n" + doc;
  SourceRange range = hits.front()->range;
  return {{"contents", {{"kind", "markdown"}, {"value", text}}},
          {"range", rangeJson(file, range.begin.offset, range.end.offset)}};
}

json definition(const Analysis &analysis, Position position, const std::string &uri) {
  const SourceFile &file = analysis.mainFile();
  json locations = json::array();
  for (const Occurrence *o : occurrencesAt(analysis.occurrences, offsetOf(file, position))) {
    if (!o->symbol || !o->symbol->range.isValid()) continue;
    json location = locationJson(analysis, o->symbol->range, uri);
    if (std::find(locations.begin(), locations.end(), location) == locations.end()) locations.push_back(location);
  }
  if (locations.empty()) return nullptr;
  return locations;
}

json documentSymbols(const Analysis &analysis) {
  json out = json::array();
  const Compilation &c = *analysis.compilation;
  if (!c.main) return out;
  const SourceManager &sources = c.sources;
  const SourceFile &file = analysis.mainFile();
  std::vector<std::pair<uint32_t, json>> symbols;

  for (auto &fn : c.main->functions)
    if (fn && fn->nameRange.isValid())
      symbols.emplace_back(fn->range.begin.offset, fnSymbol(sources, file, *fn, SymbolKind::Function));

  for (auto &model : c.main->models) {
    if (!model || !model->nameRange.isValid()) continue;
    json children = paramSymbols(sources, file, model->params, SymbolKind::TypeParameter);
    for (auto &m : model->members) {
      if (!m.nameRange.isValid()) continue;
      if (m.kind == ast::MemberKind::Method && m.method) {
        children.push_back(fnSymbol(sources, file, *m.method, SymbolKind::Method));
      } else if (m.kind == ast::MemberKind::Param) {
        children.push_back(symbolJson(file, m.name, m.declared ? sourceText(sources, m.declared->range, 40) : "",
                                      SymbolKind::Field, m.range, m.nameRange));
      } else {
        children.push_back(symbolJson(file, m.name, m.init ? sourceText(sources, m.init->range, 40) : "",
                                      SymbolKind::Property, m.range, m.nameRange));
      }
    }
    symbols.emplace_back(model->range.begin.offset,
                         symbolJson(file, model->name, "model" + paramsText(sources, model->params),
                                    SymbolKind::Class, model->range, model->nameRange, std::move(children)));
  }

  for (auto &opt : c.main->optimizers) {
    if (!opt || !opt->nameRange.isValid()) continue;
    json children = paramSymbols(sources, file, opt->params, SymbolKind::TypeParameter);
    for (auto &s : opt->states)
      if (s.range.isValid()) children.push_back(symbolJson(file, s.name, "state", SymbolKind::Field, s.range, s.range));
    for (auto &m : opt->methods)
      if (m && m->nameRange.isValid()) children.push_back(fnSymbol(sources, file, *m, SymbolKind::Method));
    symbols.emplace_back(opt->range.begin.offset,
                         symbolJson(file, opt->name, "optimizer" + paramsText(sources, opt->params),
                                    SymbolKind::Class, opt->range, opt->nameRange, std::move(children)));
  }

  for (auto &stmt : c.main->statements) {
    if (!stmt || stmt->kind != ast::StmtKind::Let) continue;
    auto &let = static_cast<const ast::LetStmt &>(*stmt);
    for (auto &b : let.names) {
      if (!b.range.isValid() || b.name.empty()) continue;
      std::string detail = b.symbol && !b.symbol->type.isError() ? b.symbol->type.str() : "";
      symbols.emplace_back(b.range.begin.offset,
                           symbolJson(file, b.name, detail, let.isVar ? SymbolKind::Variable : SymbolKind::Constant,
                                      stmt->range, b.range));
    }
  }

  std::stable_sort(symbols.begin(), symbols.end(), [](auto &a, auto &b) { return a.first < b.first; });
  for (auto &[at, s] : symbols) out.push_back(std::move(s));
  return out;
}

}  // namespace dlc::lsp
