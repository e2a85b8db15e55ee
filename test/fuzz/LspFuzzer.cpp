// libFuzzer target for `dlc lsp`: each input becomes one session of the
// language server, served from memory by the same runServer the driver uses.
//
// The first byte picks how the rest is read:
//   even: the rest is the raw byte stream the client sends: framing, headers
//         and JSON are all the fuzzer's (Content-Length lies, broken JSON,
//         wrong field types, requests before initialize...);
//   odd:  the rest scripts a well-framed session: initialize, then a
//         document opened with text from the input, then a sequence of
//         random edits (insert, delete, replace at byte offsets the input
//         picks), requests at random positions (hover, definition,
//         completion, document symbols), closes and re-opens, and malformed
//         variants of those messages (a position that is a string, a missing
//         uri, an edit with a range, a version that is not a number).
// Either way the server must neither crash nor hang; what it answers is not
// checked here (test/lsp checks the answers).
//
// Build and run: see test/fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "lsp/Server.h"

namespace {

using json = nlohmann::json;

// Reads the fuzzer's bytes as numbers and strings; past the end it gives zeros.
class ByteReader {
public:
  ByteReader(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint32_t number(uint32_t limit) {
    uint32_t v = byte();
    v = v << 8 | byte();
    return limit ? v % limit : 0;
  }
  std::string text(size_t most) {
    size_t n = std::min<size_t>(number(static_cast<uint32_t>(most) + 1), size_ - std::min(pos_, size_));
    std::string s(reinterpret_cast<const char *>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
};

std::string frame(const json &message) {
  std::string body = message.dump(-1, ' ', false, json::error_handler_t::replace);
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

json request(int id, const std::string &method, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json notification(const std::string &method, json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

const char *const kUri = "file:///fuzz.dl";

// Line and character of a byte offset, as a client would count (UTF-16
// units are approximated by bytes: the server must cope with either).
json positionAt(const std::string &text, size_t offset) {
  int line = 0, character = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      character = 0;
    } else {
      ++character;
    }
  }
  return {{"line", line}, {"character", character}};
}

std::string scriptedSession(ByteReader &in) {
  std::string stream;
  int id = 1, version = 1;
  stream += frame(request(id++, "initialize", {{"processId", nullptr}, {"capabilities", json::object()}}));
  stream += frame(notification("initialized", json::object()));
  std::string text = in.text(2048);
  auto open = [&] {
    stream += frame(notification("textDocument/didOpen", {{"textDocument",
        {{"uri", kUri}, {"languageId", "dl"}, {"version", version++}, {"text", text}}}}));
  };
  open();
  for (int step = 0; step < 64 && !in.done(); ++step) {
    size_t offset = in.number(static_cast<uint32_t>(text.size()) + 1);
    switch (in.byte() % 12) {
    case 0:  // insert
      text.insert(offset, in.text(64));
      break;
    case 1:  // delete
      text.erase(offset, in.number(64));
      break;
    case 2:  // replace
      text.replace(offset, in.number(16), in.text(16));
      break;
    case 3: case 4: case 5: case 6: {  // a request at the offset
      static const char *const methods[] = {"textDocument/hover", "textDocument/definition",
                                            "textDocument/completion", "textDocument/documentSymbol"};
      stream += frame(request(id++, methods[step % 4], {{"textDocument", {{"uri", kUri}}},
                                                        {"position", positionAt(text, offset)}}));
      continue;
    }
    case 7:  // a position past the end of the document, or negative
      stream += frame(request(id++, "textDocument/hover",
                              {{"textDocument", {{"uri", kUri}}},
                               {"position", {{"line", static_cast<int>(in.number(10000)) - 5000},
                                             {"character", -1 + static_cast<int>(in.number(100000))}}}}));
      continue;
    case 8:  // close and re-open
      stream += frame(notification("textDocument/didClose", {{"textDocument", {{"uri", kUri}}}}));
      if (in.byte() & 1) stream += frame(request(id++, "textDocument/hover",
                                                 {{"textDocument", {{"uri", kUri}}}, {"position", positionAt(text, 0)}}));
      open();
      continue;
    case 9: {  // malformed variants of real messages
      switch (in.byte() % 6) {
      case 0: stream += frame(request(id++, "textDocument/hover", {{"textDocument", {{"uri", kUri}}}, {"position", "here"}})); break;
      case 1: stream += frame(request(id++, "textDocument/completion", {{"position", positionAt(text, offset)}})); break;
      case 2: stream += frame(notification("textDocument/didChange", {{"textDocument", {{"uri", kUri}, {"version", "x"}}},
                                                                       {"contentChanges", {{{"range", {{"start", 1}}}, {"text", 3}}}}})); break;
      case 3: stream += frame(notification("textDocument/didChange", {{"textDocument", {{"uri", kUri}}}, {"contentChanges", json::object()}})); break;
      case 4: stream += frame(request(id++, "textDocument/definition", json::array({1, 2, 3}))); break;
      default: stream += frame(json{{"jsonrpc", "2.0"}, {"id", json::array()}, {"method", 7}}); break;
      }
      continue;
    }
    case 10:  // raw bytes between messages
      stream += in.text(32);
      continue;
    default:  // a change that sends only part of the text with a range
      stream += frame(notification("textDocument/didChange",
          {{"textDocument", {{"uri", kUri}, {"version", version++}}},
           {"contentChanges", {{{"range", {{"start", positionAt(text, offset)}, {"end", positionAt(text, offset)}}},
                                {"text", in.text(8)}}}}}));
      continue;
    }
    stream += frame(notification("textDocument/didChange",
        {{"textDocument", {{"uri", kUri}, {"version", version++}}}, {"contentChanges", {{{"text", text}}}}}));
  }
  stream += frame(request(id++, "shutdown", nullptr));
  stream += frame(notification("exit", nullptr));
  return stream;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  std::string stream;
  if (data[0] % 2 == 0) {
    stream.assign(reinterpret_cast<const char *>(data + 1), size - 1);
  } else {
    ByteReader reader(data + 1, size - 1);
    stream = scriptedSession(reader);
  }
  std::istringstream in(stream);
  std::ostringstream out;
  dlc::lsp::runServer(in, out);
  return 0;
}
