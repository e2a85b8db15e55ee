// JSON-RPC framing over a byte stream, as the Language Server Protocol sends
// it: a header block ("Content-Length: N", other headers ignored, ended by an
// empty line) followed by exactly N bytes of JSON.
//
// The reader never trusts its input: a missing or absurd length, a header
// line with junk before "Content-Length:", or a stream that ends mid-message
// are reported (or resynchronised on) instead of crashing or allocating
// without bound.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>

namespace dlc::lsp {

// The largest message body the server accepts.
constexpr size_t kMaxMessageBytes = size_t(64) << 20;

struct IncomingMessage {
  enum Status {
    Ok,          // `body` holds the message
    BadHeader,   // a header block without a usable Content-Length; `error` says why
    EndOfInput,  // the stream ended (possibly mid-message)
  };
  Status status = EndOfInput;
  std::string body;
  std::string error;
};

IncomingMessage readMessage(std::istream &in);

// Writes one framed message and flushes.
void writeMessage(std::ostream &out, const std::string &body);

}  // namespace dlc::lsp
