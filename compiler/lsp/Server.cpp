// The server loop: read a message, dispatch it by method, answer. Each
// message is handled inside its own try/catch, and the shape of every field
// is checked before use, so a broken message gets an error reply (or, as a
// notification, is dropped) and the next one is served as usual.
#include "lsp/Server.h"

#include <functional>
#include <map>

#include "lsp/Features.h"
#include "lsp/Transport.h"

#ifndef DLC_VERSION
#define DLC_VERSION "unknown"
#endif

namespace dlc::lsp {

namespace {

struct RequestError {
  int code;
  std::string message;
};

class Server {
public:
  Server(std::ostream &out, FrontendOptions options) : out_(out), options_(std::move(options)) {}

  int serve(std::istream &in) {
    while (!exited_) {
      IncomingMessage message = readMessage(in);
      if (message.status == IncomingMessage::EndOfInput) break;
      if (message.status == IncomingMessage::BadHeader) {
        sendError(nullptr, ParseError, message.error);
        continue;
      }
      handle(message.body);
    }
    return shutdown_ && exited_ ? 0 : 1;
  }

private:
  // ---- Messages ----

  void send(const json &message) { writeMessage(out_, dump(message)); }

  void sendError(const json &id, int code, const std::string &message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }

  void notify(const std::string &method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  void handle(const std::string &body) {
    json message = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      sendError(nullptr, ParseError, "the message is not valid JSON");
      return;
    }
    json id = nullptr;
    bool isRequest = false;
    try {
      if (!message.is_object()) throw RequestError{InvalidRequest, "a message must be a JSON object"};
      auto idIt = message.find("id");
      if (idIt != message.end()) {
        if (!idIt->is_number_integer() && !idIt->is_string() && !idIt->is_null())
          throw RequestError{InvalidRequest, "'id' must be a number or a string"};
        id = *idIt;
        isRequest = true;
      }
      auto methodIt = message.find("method");
      if (methodIt == message.end()) {
        if (message.contains("result") || message.contains("error")) return;  // a reply; we ask nothing
        throw RequestError{InvalidRequest, "the message has no 'method'"};
      }
      if (!methodIt->is_string()) throw RequestError{InvalidRequest, "'method' must be a string"};
      json params = message.value("params", json::object());
      std::string method = *methodIt;
      if (isRequest) {
        json result = request(method, params);
        send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
      } else {
        notification(method, params);
      }
    } catch (const RequestError &e) {
      if (isRequest || e.code == InvalidRequest) sendError(id, e.code, e.message);
    } catch (const std::exception &e) {
      if (isRequest) sendError(id, InternalError, std::string("internal error: ") + e.what());
    } catch (...) {
      if (isRequest) sendError(id, InternalError, "internal error");
    }
  }

  json request(const std::string &method, const json &params) {
    if (method == "initialize") {
      initialized_ = true;
      return initializeResult();
    }
    if (!initialized_) throw RequestError{ServerNotInitialized, "the server has not been initialized"};
    if (shutdown_) throw RequestError{InvalidRequest, "the server is shutting down"};
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/hover")
      return withDocument(params, [&](const Document &d, Position p) { return hover(*d.current, p); });
    if (method == "textDocument/definition")
      return withDocument(params, [&](const Document &d, Position p) { return definition(*d.current, p, d.uri); });
    if (method == "textDocument/completion")
      return withDocument(params, [&](const Document &d, Position p) { return completion(d, p, options_); });
    if (method == "textDocument/documentSymbol") {
      const Document *d = findDocument(params);
      return d ? documentSymbols(*d->current) : json::array();
    }
    throw RequestError{MethodNotFound, "unknown method '" + method + "'"};
  }

  void notification(const std::string &method, const json &params) {
    if (method == "exit") {
      exited_ = true;
      return;
    }
    if (!initialized_) return;
    if (method == "textDocument/didOpen") didOpen(params);
    else if (method == "textDocument/didChange") didChange(params);
    else if (method == "textDocument/didClose") didClose(params);
    // Everything else ("initialized", "$/cancelRequest", didSave, ...) needs no action.
  }

  json initializeResult() const {
    return {{"capabilities",
             {{"positionEncoding", "utf-16"},
              {"textDocumentSync", {{"openClose", true}, {"change", 1}}},
              {"hoverProvider", true},
              {"definitionProvider", true},
              {"completionProvider", {{"triggerCharacters", {"."}}, {"resolveProvider", false}}},
              {"documentSymbolProvider", true}}},
            {"serverInfo", {{"name", "dlc"}, {"version", DLC_VERSION}}}};
  }

  // ---- Documents ----

  static std::string stringField(const json &object, const char *key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) throw RequestError{InvalidParams, std::string("missing '") + key + "'"};
    return *it;
  }

  static int64_t versionOf(const json &textDocument) {
    auto it = textDocument.find("version");
    return it != textDocument.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  }

  const Document *findDocument(const json &params) const {
    auto uri = documentUri(params);
    if (!uri) throw RequestError{InvalidParams, "missing 'textDocument.uri'"};
    auto it = documents_.find(*uri);
    return it == documents_.end() ? nullptr : &it->second;
  }

  json withDocument(const json &params, const std::function<json(const Document &, Position)> &feature) const {
    const Document *d = findDocument(params);
    auto position = positionParam(params);
    if (!position) throw RequestError{InvalidParams, "missing 'position'"};
    if (!d) return nullptr;
    return feature(*d, *position);
  }

  void didOpen(const json &params) {
    if (!params.is_object() || !params.contains("textDocument") || !params["textDocument"].is_object()) return;
    const json &td = params["textDocument"];
    Document doc;
    doc.uri = stringField(td, "uri");
    doc.text = stringField(td, "text");
    doc.version = versionOf(td);
    auto path = pathFromUri(doc.uri);
    doc.path = path ? *path : doc.uri;
    std::string uri = doc.uri;
    Document &stored = documents_[uri];
    stored = std::move(doc);
    reanalyze(stored);
  }

  void didChange(const json &params) {
    auto uri = documentUri(params);
    if (!uri) return;
    auto it = documents_.find(*uri);
    if (it == documents_.end()) return;
    Document &doc = it->second;
    auto changes = params.find("contentChanges");
    if (changes == params.end() || !changes->is_array()) return;
    for (auto &change : *changes) {
      if (!change.is_object() || !change.contains("text") || !change["text"].is_string()) continue;
      const std::string &text = change["text"].get_ref<const std::string &>();
      if (change.contains("range") && change["range"].is_object()) {
        applyEdit(doc, change["range"], text);
      } else {
        doc.text = text;
      }
    }
    doc.version = versionOf(params["textDocument"]);
    reanalyze(doc);
  }

  // Full sync is what the server asks for; an edit with a range is applied
  // anyway, for clients that send them regardless.
  static void applyEdit(Document &doc, const json &range, const std::string &text) {
    SourceFile file(0, doc.path, doc.text);
    auto start = positionParam(json{{"position", range.value("start", json())}});
    auto end = positionParam(json{{"position", range.value("end", json())}});
    if (!start || !end) return;
    uint32_t b = offsetOf(file, *start), e = offsetOf(file, *end);
    if (e < b) std::swap(b, e);
    doc.text.replace(b, e - b, text);
  }

  void didClose(const json &params) {
    auto uri = documentUri(params);
    if (!uri || !documents_.erase(*uri)) return;
    notify("textDocument/publishDiagnostics", {{"uri", *uri}, {"diagnostics", json::array()}});
  }

  void reanalyze(Document &doc) {
    doc.current = analyze(doc.path, doc.text, options_);
    if (doc.current->hasProgram()) doc.lastGood = doc.current;
    notify("textDocument/publishDiagnostics", diagnosticsParams(*doc.current, doc.uri, doc.version));
  }

  std::ostream &out_;
  FrontendOptions options_;
  std::map<std::string, Document> documents_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

}  // namespace

int runServer(std::istream &in, std::ostream &out, FrontendOptions options) {
  return runWithLargeStack([&] {
    try {
      Server server(out, options);
      return server.serve(in);
    } catch (...) {
      return 1;  // the output stream failed; nobody is listening
    }
  });
}

}  // namespace dlc::lsp
