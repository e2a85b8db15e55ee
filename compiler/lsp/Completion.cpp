// textDocument/completion.
//
// After a '.', the members of the type before it. The text usually does not
// parse at that moment (`net.` or `net.fc`), so the document is re-checked
// with the '.' and the partial member blanked out (offsets stay put) and the
// expression that now ends there gives the type. When even that does not
// parse (an unclosed call around it), the dotted name before the cursor is
// resolved textually against the latest checked program.
//
// Elsewhere: the names in scope at the cursor, then the globals, then the
// keywords.
#include <set>

#include "lsp/Features.h"

namespace dlc::lsp {

using sema::Symbol;

namespace {

const char *const kKeywords[] = {"use", "fn", "model", "param", "layer", "optimizer", "state", "let", "var",
                                 "for", "in", "if", "else", "return", "and", "or", "not", "true", "false",
                                 "int", "bool", "str"};

bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80);
}

CompletionKind completionKind(Symbol::Kind kind) {
  switch (kind) {
  case Symbol::Local:
  case Symbol::Parameter:
  case Symbol::State: return CompletionKind::Variable;
  case Symbol::Hyper:
  case Symbol::StepCount:
  case Symbol::Constant: return CompletionKind::Constant;
  case Symbol::ModelParam: return CompletionKind::Field;
  case Symbol::Layer: return CompletionKind::Property;
  case Symbol::Function:
  case Symbol::Builtin: return CompletionKind::Function;
  case Symbol::Model:
  case Symbol::Optimizer: return CompletionKind::Class;
  case Symbol::Method: return CompletionKind::Method;
  }
  return CompletionKind::Variable;
}

class Items {
public:
  explicit Items(const SourceManager *sources) : sources_(sources) {}

  void add(const std::string &label, CompletionKind kind, const std::string &detail, const std::string &doc) {
    if (label.empty() || !seen_.insert(label).second) return;
    json item = {{"label", label}, {"kind", static_cast<int>(kind)}};
    if (!detail.empty()) item["detail"] = detail;
    if (!doc.empty()) item["documentation"] = {{"kind", "markdown"}, {"value", doc}};
    items_.push_back(std::move(item));
  }

  void add(const std::string &label, Symbol::Kind kind, const Symbol *symbol) {
    std::string detail;
    if (symbol) {
      bool callable = kind == Symbol::Function || kind == Symbol::Method || kind == Symbol::Model ||
                      kind == Symbol::Optimizer || kind == Symbol::Builtin;
      detail = callable && sources_ ? signatureOf(*sources_, *symbol)
               : symbol->type.isError() ? ""
                                        : symbol->type.str();
    }
    add(label, completionKind(kind), detail, symbol ? symbol->doc : "");
  }

  json result() { return {{"isIncomplete", false}, {"items", std::move(items_)}}; }

private:
  const SourceManager *sources_;
  json items_ = json::array();
  std::set<std::string> seen_;
};

void addMembers(Items &items, const Type &type) {
  switch (type.kind) {
  case Type::Model:
    if (type.model)
      for (auto &[name, s] : type.model->memberSymbols) items.add(name, s->kind, s);
    return;
  case Type::Dataset:
    items.add("x", CompletionKind::Field, type.tensor.str(), "the inputs");
    items.add("y", CompletionKind::Field, type.label.str(), "the targets");
    return;
  case Type::Optimizer:
    items.add("minimize", CompletionKind::Method, "minimize(loss)",
              "Backward pass and one update of every parameter of the model.");
    return;
  default:
    return;
  }
}

// The type of the expression ending at `exprEnd` once [dot, wordEnd) is
// blank. The type points into `keepAlive`, the analysis that found it.
std::optional<Type> typeByRecheck(const Document &doc, uint32_t dot, uint32_t wordEnd, uint32_t exprEnd,
                                  const FrontendOptions &options, std::shared_ptr<const Analysis> &keepAlive) {
  std::string blanked = doc.text;
  for (uint32_t i = dot; i < wordEnd && i < blanked.size(); ++i) blanked[i] = ' ';
  auto analysis = analyze(doc.path, blanked, options);
  if (!analysis->hasProgram()) return std::nullopt;
  keepAlive = analysis;
  const ast::Expr *best = nullptr;
  for (auto &o : analysis->occurrences) {
    const ast::Expr *e = o.expr;
    if (!e || e->range.end.offset != exprEnd || e->range.begin.file != analysis->mainFileId()) continue;
    bool postfix = e->kind == ast::ExprKind::Name || e->kind == ast::ExprKind::Member ||
                   e->kind == ast::ExprKind::Call || e->kind == ast::ExprKind::Index;
    if (postfix && (!best || e->range.begin.offset < best->range.begin.offset)) best = e;
  }
  if (!best || best->type.isError()) return std::nullopt;
  return best->type;
}

// The type of a dotted name (`net.fc1`) ending at `exprEnd`, resolved by name
// in `analysis` (whose text may be older than the document's).
std::optional<Type> typeByName(const Document &doc, const Analysis &analysis, uint32_t exprEnd) {
  std::vector<std::string> parts;
  uint32_t pos = exprEnd;
  for (;;) {
    uint32_t start = pos;
    while (start > 0 && isIdentChar(doc.text[start - 1])) --start;
    if (start == pos) return std::nullopt;
    parts.insert(parts.begin(), doc.text.substr(start, pos - start));
    if (start > 0 && doc.text[start - 1] == '.') {
      pos = start - 1;
      continue;
    }
    break;
  }
  if (parts[0][0] >= '0' && parts[0][0] <= '9') return std::nullopt;

  uint32_t at = mapOffset(doc.text, analysis.text, pos);
  std::optional<Type> type;
  for (auto &v : visibleNames(*analysis.compilation, at))
    if (v.name == parts[0] && v.symbol) type = v.symbol->type;
  if (!type) return std::nullopt;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (type->kind == Type::Model && type->model) {
      auto it = type->model->memberSymbols.find(parts[i]);
      if (it == type->model->memberSymbols.end()) return std::nullopt;
      type = it->second->type;
    } else if (type->kind == Type::Dataset && (parts[i] == "x" || parts[i] == "y")) {
      type = Type::tensorOf(parts[i] == "x" ? type->tensor : type->label);
    } else {
      return std::nullopt;
    }
  }
  return type;
}

}  // namespace

json completion(const Document &doc, Position position, const FrontendOptions &options) {
  const Analysis &current = *doc.current;
  uint32_t offset = offsetOf(current.mainFile(), position);
  const std::string &text = doc.text;
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  uint32_t wordStart = offset;
  while (wordStart > 0 && isIdentChar(text[wordStart - 1])) --wordStart;
  const Analysis *checked = current.hasProgram() ? &current : doc.lastGood ? doc.lastGood.get() : nullptr;

  // ---- Members after '.' ----
  if (wordStart > 0 && text[wordStart - 1] == '.') {
    uint32_t dot = wordStart - 1;
    uint32_t exprEnd = dot;
    while (exprEnd > 0 && (text[exprEnd - 1] == ' ' || text[exprEnd - 1] == '\t')) --exprEnd;
    if (exprEnd == 0 || text[exprEnd - 1] == '.') return Items(nullptr).result();  // `0..` is a range
    uint32_t wordEnd = offset;
    while (wordEnd < text.size() && isIdentChar(text[wordEnd])) ++wordEnd;
    std::shared_ptr<const Analysis> recheck;
    std::optional<Type> type = typeByRecheck(doc, dot, wordEnd, exprEnd, options, recheck);
    const Analysis *source = recheck.get();
    if (!type && checked) {
      type = typeByName(doc, *checked, exprEnd);
      source = checked;
    }
    Items items(source ? &source->compilation->sources : nullptr);
    if (type) addMembers(items, *type);
    return items.result();
  }

  // ---- Names in scope, globals, keywords ----
  std::shared_ptr<const Analysis> fallback;
  if (!checked) {
    // Nothing of this document has been checked yet: at least offer the
    // builtins and the standard library.
    fallback = analyze(doc.path, "", options);
    if (fallback->hasProgram()) checked = fallback.get();
  }
  Items items(checked ? &checked->compilation->sources : nullptr);
  if (checked) {
    uint32_t at = checked == &current ? offset : mapOffset(text, checked->text, offset);
    auto visible = visibleNames(*checked->compilation, at);
    for (auto it = visible.rbegin(); it != visible.rend(); ++it) items.add(it->name, it->kind, it->symbol);
    int32_t mainFile = checked->mainFileId();
    for (const Symbol *g : checked->compilation->program->globals) {
      bool privateToStdlib = !g->name.empty() && g->name[0] == '_' && g->range.begin.file != mainFile;
      if (!privateToStdlib) items.add(g->name, g->kind, g);
    }
  }
  for (const char *k : kKeywords) items.add(k, CompletionKind::Keyword, "", "");
  return items.result();
}

}  // namespace dlc::lsp
