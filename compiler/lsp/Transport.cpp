#include "lsp/Transport.h"

#include <algorithm>
#include <cctype>

namespace dlc::lsp {

namespace {

constexpr size_t kMaxHeaderLine = 4096;

// Reads one header line without its line break. A line longer than
// kMaxHeaderLine keeps only its tail, which is where a "Content-Length:"
// written after junk would be. Returns false at the end of input.
bool readHeaderLine(std::istream &in, std::string &line) {
  line.clear();
  bool any = false;
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    any = true;
    if (c == '\n') break;
    line.push_back(static_cast<char>(c));
    if (line.size() > 2 * kMaxHeaderLine) line.erase(0, line.size() - kMaxHeaderLine);
  }
  if (!any) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::string lowered(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The value of a Content-Length header in `line` (possibly after junk), or
// -1 when the line has none, -2 when its value is not a usable size.
long long contentLength(const std::string &line) {
  static const std::string key = "content-length:";
  std::string lower = lowered(line);
  size_t at = lower.rfind(key);
  if (at == std::string::npos) return -1;
  size_t i = at + key.size();
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i == line.size()) return -2;
  long long value = 0;
  for (; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t') break;
    if (c < '0' || c > '9') return -2;
    value = value * 10 + (c - '0');
    if (value > static_cast<long long>(kMaxMessageBytes)) return -3;
  }
  return value;
}

}  // namespace

IncomingMessage readMessage(std::istream &in) {
  IncomingMessage message;
  long long length = -1;
  std::string line;
  bool sawHeader = false;
  for (;;) {
    if (!readHeaderLine(in, line)) return message;  // EndOfInput
    if (line.empty()) {
      if (!sawHeader) continue;  // blank lines between messages
      break;
    }
    sawHeader = true;
    long long found = contentLength(line);
    if (found != -1) length = found;
  }
  if (length < 0) {
    message.status = IncomingMessage::BadHeader;
    message.error = length == -1   ? "missing Content-Length header"
                    : length == -3 ? "Content-Length is over the limit of " +
                                         std::to_string(kMaxMessageBytes) + " bytes"
                                   : "Content-Length is not a number";
    return message;
  }
  message.body.resize(static_cast<size_t>(length));
  in.read(message.body.data(), length);
  if (in.gcount() != length) {
    message.body.clear();
    return message;  // EndOfInput
  }
  message.status = IncomingMessage::Ok;
  return message;
}

void writeMessage(std::ostream &out, const std::string &body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace dlc::lsp
