// dl_npy_load: arrays written by numpy.save.
//
// Layout (numpy/lib/format.py): the magic "\x93NUMPY", a major and a minor
// version byte, the header length (2 bytes little-endian in version 1, 4 in
// versions 2 and 3), then the header: a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and a newline, then the elements. Version 3 only allows
// UTF-8 in the header, which matters for structured dtypes, not for us.
#include "DataSupport.h"

#include <cctype>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace {

using dl::fail;
using dl::data::Element;
using dl::data::inQuotes;

// The header's keys, as parsed from the dict literal.
struct NpyHeader {
  std::optional<std::string> descr;
  std::optional<bool> fortranOrder;
  std::optional<std::vector<int64_t>> shape;
};

// A recursive-descent reader of the Python literals numpy writes: strings,
// True/False, integers, tuples, and the dict around them. A structured dtype
// (a list as 'descr') is recognised so it can be refused by name.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  // dict := '{' (string ':' value ',')* [string ':' value] '}'
  bool parse(NpyHeader *header) {
    if (!consume('{'))
      return error("expected '{'");
    while (!consume('}')) {
      std::string key;
      if (!parseString(&key))
        return error("expected a inQuotes key");
      if (!consume(':'))
        return error("expected ':' after '" + key + "'");
      if (key == "descr") {
        std::string descr;
        skipSpace();
        if (pos_ < text_.size() && text_[pos_] == '[') {
          return error("structured dtypes (a list as 'descr') are not supported");
        }
        if (!parseString(&descr))
          return error("'descr' is not a string");
        header->descr = descr;
      } else if (key == "fortran_order") {
        bool value;
        if (!parseBool(&value))
          return error("'fortran_order' is not True or False");
        header->fortranOrder = value;
      } else if (key == "shape") {
        std::vector<int64_t> shape;
        if (!parseTuple(&shape))
          return error("'shape' is not a tuple of sizes");
        header->shape = shape;
      } else {
        return error("unknown key '" + key + "'");
      }
      if (!consume(',')) {
        if (!consume('}'))
          return error("expected ',' or '}'");
        break;
      }
    }
    skipSpace();
    if (pos_ != text_.size())
      return error("text after the closing '}'");
    return true;
  }

  const std::string &message() const { return message_; }

private:
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool consume(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool consumeWord(std::string_view word) {
    skipSpace();
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }
  bool parseString(std::string *out) {
    skipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      return false;
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos)
      return false;
    *out = std::string(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  bool parseBool(bool *out) {
    if (consumeWord("True"))
      return *out = true, true;
    if (consumeWord("False"))
      return *out = false, true;
    return false;
  }
  bool parseInt(int64_t *out) {
    skipSpace();
    size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      int digit = text_[pos_++] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
        return false;
      value = value * 10 + digit;
    }
    consumeWord("L"); // Python 2 longs, in files from numpy's oldest writers
    *out = value;
    return pos_ > start;
  }
  // tuple := '(' ')' | '(' int ',' ')' | '(' int (',' int)+ [','] ')'
  bool parseTuple(std::vector<int64_t> *out) {
    if (!consume('('))
      return false;
    while (!consume(')')) {
      int64_t value;
      if (!parseInt(&value))
        return false;
      out->push_back(value);
      if (!consume(',')) {
        if (!consume(')'))
          return false;
        break;
      }
    }
    return true;
  }
  bool error(const std::string &message) {
    message_ = message;
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string message_;
};

// descr: a byte order ('<' little, '>' big, '|' not applicable, '=' native),
// a kind and a size: '<f4', '|u1', '>i8'.
bool parseDescr(const std::string &descr, Element *element, bool *bigEndian) {
  if (descr.size() < 3)
    return false;
  char order = descr[0];
  std::string type = descr.substr(1);
  static const struct {
    const char *name;
    Element element;
  } kTypes[] = {{"f4", Element::F32}, {"f8", Element::F64}, {"i1", Element::I8},  {"i2", Element::I16},
                {"i4", Element::I32}, {"i8", Element::I64}, {"u1", Element::U8},  {"u2", Element::U16},
                {"u4", Element::U32}, {"u8", Element::U64}, {"b1", Element::Bool}};
  for (const auto &known : kTypes) {
    if (type != known.name)
      continue;
    bool oneByte = dl::data::elementSize(known.element) == 1;
    if (order == '<' || order == '=' || (order == '|' && oneByte)) {
      *bigEndian = false;
    } else if (order == '>') {
      *bigEndian = true;
    } else {
      return false;
    }
    *element = known.element;
    return true;
  }
  return false;
}

uint32_t littleEndian(const unsigned char *bytes, int size) {
  uint32_t value = 0;
  for (int i = size - 1; i >= 0; --i)
    value = value << 8 | bytes[i];
  return value;
}

} // namespace

extern "C" int dl_npy_load(dl_context *ctx, const char *path, dl_dtype want, int rank,
                           const int64_t *want_dims, void **data, int64_t *dims_out) {
  DL_CHECK_CONTEXT(ctx);
  if (path == nullptr || data == nullptr || (rank > 0 && dims_out == nullptr))
    return fail(ctx, DL_ERR_ARG, "dl_npy_load: null argument");
  if (rank < 0 || dl::data::dtypeSize(want) == 0)
    return fail(ctx, DL_ERR_ARG, "dl_npy_load: invalid rank or dtype");

  dl::data::InputFile in;
  if (int status = in.open(ctx, path))
    return status;
  const std::string what = inQuotes(path);

  // Magic, version, header length.
  unsigned char prefix[12];
  size_t got = 0;
  if (int status = in.read(ctx, prefix, 10, &got))
    return status;
  static const unsigned char kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (got < 6 || std::memcmp(prefix, kMagic, 6) != 0)
    return fail(ctx, DL_ERR_DATA, what + ": not an NPY file (it does not start with \"\\x93NUMPY\")");
  if (got < 10)
    return fail(ctx, DL_ERR_DATA, what + ": truncated NPY header");
  int major = prefix[6];
  int minor = prefix[7];
  if (major < 1 || major > 3)
    return fail(ctx, DL_ERR_DATA,
                what + ": NPY format version " + std::to_string(major) + "." + std::to_string(minor) +
                    " is not supported (1.0, 2.0 and 3.0 are)");
  uint32_t headerLength = littleEndian(prefix + 8, 2);
  if (major >= 2) {
    if (int status = in.read(ctx, prefix + 10, 2, &got))
      return status;
    if (got < 2)
      return fail(ctx, DL_ERR_DATA, what + ": truncated NPY header");
    headerLength = littleEndian(prefix + 8, 4);
  }
  if (headerLength > (1u << 24))
    return fail(ctx, DL_ERR_DATA, what + ": NPY header of " + std::to_string(headerLength) + " bytes is too long");
  std::string headerText(headerLength, '\0');
  if (int status = in.read(ctx, headerText.data(), headerLength, &got))
    return status;
  if (got < headerLength)
    return fail(ctx, DL_ERR_DATA,
                what + ": truncated NPY header (" + std::to_string(headerLength) + " bytes announced, " +
                    std::to_string(got) + " present)");

  NpyHeader header;
  HeaderParser parser(headerText);
  if (!parser.parse(&header))
    return fail(ctx, DL_ERR_DATA, what + ": bad NPY header: " + parser.message());
  if (!header.descr || !header.fortranOrder || !header.shape)
    return fail(ctx, DL_ERR_DATA, what + ": bad NPY header: it needs 'descr', 'fortran_order' and 'shape'");
  Element element;
  bool bigEndian = false;
  if (!parseDescr(*header.descr, &element, &bigEndian))
    return fail(ctx, DL_ERR_DATA,
                what + ": dtype '" + *header.descr +
                    "' is not supported (f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 are)");
  if (*header.fortranOrder && header.shape->size() > 1)
    return fail(ctx, DL_ERR_DATA,
                what + ": the array is in Fortran order (fortran_order: True); save a C-order array, e.g. "
                       "numpy.save(path, numpy.ascontiguousarray(a))");
  if (int status = dl::data::checkShape(ctx, what, *header.shape, rank, want_dims))
    return status;

  void *result = nullptr;
  if (int status = dl::data::readArray(ctx, in, what, element, bigEndian, *header.shape, want, &result))
    return status;
  *data = result;
  for (int i = 0; i < rank; ++i)
    dims_out[i] = (*header.shape)[static_cast<size_t>(i)];
  return DL_OK;
}
