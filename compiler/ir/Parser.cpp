#include "ir/Parser.h"

#include <cctype>
#include <map>
#include <stdexcept>

namespace dlc::ir {

namespace {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Parser {
public:
  explicit Parser(const std::string &text) : text_(text) {}

  std::unique_ptr<Module> run() {
    module_ = std::make_unique<Module>();
    skipSpace();
    while (peekWord() == "storage") storage();
    expectWord("main");
    expect('{');
    region(module_->main());
    skipSpace();
    if (pos_ != text_.size()) fail("text after the end of main");
    return std::move(module_);
  }

  size_t line() const {
    size_t n = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) n += text_[i] == '\n';
    return n;
  }

private:
  [[noreturn]] void fail(const std::string &what) { throw ParseError(what); }

  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // Skips blanks but not line breaks.
  void skipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string peekWord() {
    skipSpace();
    size_t p = pos_;
    while (p < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[p])) || text_[p] == '_')) ++p;
    return text_.substr(pos_, p - pos_);
  }
  std::string word() {
    std::string w = peekWord();
    if (w.empty()) fail("expected a word");
    pos_ += w.size();
    return w;
  }
  void expectWord(const std::string &w) {
    if (word() != w) fail("expected '" + w + "'");
  }
  std::string quoted() {
    expect('"');
    std::string s;
    while (pos_ < text_.size() && text_[pos_] != '"') s += text_[pos_++];
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return s;
  }
  double number() {
    skipSpace();
    size_t used = 0;
    double v;
    try {
      v = std::stod(text_.substr(pos_, 40), &used);
    } catch (...) {
      fail("expected a number");
    }
    pos_ += used;
    return v;
  }

  TensorType type() {
    std::string name = word();
    static const std::map<std::string, DType> kTypes = {
        {"f32", DType::F32}, {"f64", DType::F64}, {"i32", DType::I32}, {"bool", DType::Bool}};
    auto it = kTypes.find(name);
    if (it == kTypes.end()) fail("unknown element type '" + name + "'");
    TensorType t{it->second, {}};
    skipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '[') {
      ++pos_;
      do {
        skipSpace();
        if (std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
          t.dims.push_back(Dim::fixed(static_cast<int64_t>(number())));
        } else {
          std::string dim = word();
          auto found = dims_.find(dim);
          if (found == dims_.end()) {
            module_->dimSymbols.push_back(
                DimSymbol{dim, DimSymbol::Runtime, static_cast<uint32_t>(module_->dimSymbols.size())});
            found = dims_.emplace(dim, &module_->dimSymbols.back()).first;
          }
          t.dims.push_back(Dim::of(found->second));
        }
      } while (peek(',') && (++pos_, true));
      expect(']');
    }
    return t;
  }

  void storage() {
    expectWord("storage");
    std::string kind = word();
    Storage s;
    s.kind = kind == "param"    ? Storage::Param
             : kind == "state"  ? Storage::State
             : kind == "output" ? Storage::Output
                                : Storage::Var;
    s.name = quoted();
    expect(':');
    s.type = type();
    module_->storages.push_back(s);
  }

  Value *valueRef() {
    expect('%');
    std::string id = word();
    auto it = values_.find(id);
    if (it == values_.end()) fail("use of undefined value %" + id);
    return it->second;
  }

  static OpKind opKind(const std::string &name, bool *ok) {
#define OP(n, spelling, category, operands) \
  if (name == spelling) return OpKind::n;
#include "ir/Ops.def"
    *ok = false;
    return OpKind::Constant;
  }

  void attributes(Op &op) {
    expect('{');
    if (peek('}')) {
      ++pos_;
      return;
    }
    while (true) {
      skipSpace();
      if (peek('[')) {  // constant data
        ++pos_;
        while (!peek(']')) {
          op.attrs.data.push_back(number());
          if (peek(',')) ++pos_;
        }
        ++pos_;
      } else if (peek('"')) {
        std::string s = quoted();
        if (op.kind == OpKind::Print || op.kind == OpKind::Check) op.attrs.text.push_back(s);
        else op.attrs.name = s;
      } else {
        std::string key = word();
        if (key == "all") op.attrs.allAxes = true;
        else if (key == "keepdim") op.attrs.keepdim = true;
        else if (key == "items") {
          expect('[');
          while (!peek(']')) {
            IndexItem item;
            item.lo = static_cast<int>(number());
            if (peek(':')) {
              ++pos_;
              item.isSlice = true;
              item.hi = static_cast<int>(number());
            }
            op.attrs.items.push_back(item);
            if (peek(',')) ++pos_;
          }
          ++pos_;
        } else if (key == "names") {  // the tensors of save/load_safetensors
          expect('=');
          expect('[');
          while (!peek(']')) {
            op.attrs.text.push_back(quoted());
            if (peek(',')) ++pos_;
          }
          ++pos_;
        } else {
          expect('=');
          double v = number();
          if (key == "axis") op.attrs.axis = static_cast<int64_t>(v);
          else if (key == "value") op.attrs.value = v;
          else if (key == "lo") op.attrs.lo = static_cast<int64_t>(v);
          else if (key == "hi") op.attrs.hi = static_cast<int64_t>(v);
          else if (key == "precision") op.attrs.precision = static_cast<int>(v);
          else if (key == "label") op.attrs.labelColumn = static_cast<int64_t>(v);
          else if (key == "classes") op.attrs.classes = static_cast<int64_t>(v);
          else if (key == "header") op.attrs.header = static_cast<int>(v);
          else fail("unknown attribute '" + key + "'");
        }
      }
      if (peek(',')) {
        ++pos_;
        continue;
      }
      expect('}');
      return;
    }
  }

  void region(Region &r) {
    while (!peek('}')) {
      if (pos_ >= text_.size()) fail("missing '}'");
      operation(r);
    }
    ++pos_;
  }

  void operation(Region &r) {
    std::string resultId;
    std::optional<TensorType> resultType;
    if (peek('%')) {
      ++pos_;
      resultId = word();
      expect(':');
      resultType = type();
      expect('=');
    }
    std::string name = word();
    while (pos_ < text_.size() && text_[pos_] == '_') name += text_[pos_++] + word();
    bool ok = true;
    OpKind kind = opKind(name, &ok);
    if (!ok) fail("unknown operation '" + name + "'");
    std::vector<Value *> operands;
    skipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '%') {
      operands.push_back(valueRef());
      while (true) {
        skipBlanks();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          operands.push_back(valueRef());
        } else {
          break;
        }
      }
    }
    Op *op = module_->append(r, kind, operands, resultType, SourceLoc());
    if (!resultId.empty()) values_[resultId] = op->result;
    skipBlanks();
    // Attributes, then regions: each starts with '{'. A region's first
    // token is '(' (arguments) or a line break.
    while (pos_ < text_.size() && text_[pos_] == '{') {
      size_t after = pos_ + 1;
      while (after < text_.size() && text_[after] == ' ') ++after;
      bool isRegion = after < text_.size() && (text_[after] == '(' || text_[after] == '\n');
      if (!isRegion) {
        attributes(*op);
      } else {
        ++pos_;
        Region *inner = module_->addRegion(*op);
        if (peek('(')) {
          ++pos_;
          while (!peek(')')) {
            expect('%');
            std::string id = word();
            expect(':');
            Value *arg = module_->newValue(type(), SourceLoc(), inner);
            inner->args.push_back(arg);
            values_[id] = arg;
            if (peek(',')) ++pos_;
          }
          ++pos_;
        }
        region(*inner);
      }
      skipBlanks();
    }
    // A location, if any, to the end of the line.
    if (pos_ < text_.size() && text_[pos_] == '@')
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

  const std::string &text_;
  size_t pos_ = 0;
  std::unique_ptr<Module> module_;
  std::map<std::string, Value *> values_;
  std::map<std::string, const DimSymbol *> dims_;
};

}  // namespace

std::unique_ptr<Module> parse(const std::string &text, std::string *error) {
  Parser p(text);
  try {
    return p.run();
  } catch (const ParseError &e) {
    if (error) *error = "line " + std::to_string(p.line()) + ": " + e.what();
    return nullptr;
  }
}

}  // namespace dlc::ir
