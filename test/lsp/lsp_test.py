#!/usr/bin/env python3
"""Drives `dlc lsp` with scripted JSON-RPC exchanges and checks the answers.

Usage: lsp_test.py PATH/TO/dlc

Covers: initialize capabilities, diagnostics (line and UTF-16 column),
hover (a binding's shape, a stdlib doc comment), go to definition (same file
and stdlib/*.dl), completion (globals, locals, `net.` and `net.fc1.`),
document symbols, MethodNotFound, broken input of every kind (the server
must answer and keep going), and the shutdown/exit exit codes.
"""
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading

DLC = sys.argv[1] if len(sys.argv) > 1 else "dlc"
TIMEOUT = 20

PROGRAM = """\
// A classifier with a shape error on line 19.
model Mlp(inputs: int, hidden: int = 128, classes: int = 10) {
    layer fc1 = Linear(inputs, hidden)
    layer fc2 = Linear(hidden, classes)
    fn forward(x: f32[N, inputs]) -> f32[N, classes] {
        let h = relu(fc1(x))
        return fc2(h)
    }
}

fn encode(x: f32[N, 64], W: f32[64, 128]) {
    let h = x @ W
    return h
}

let net = Mlp(64)
let x = rand([32, 64])
let y = net(x)
let bad = x @ rand([10, 3])
print(net.fc1.W)
"""

failures = []


def check(condition, what, detail=None):
    if condition:
        print("ok:", what)
    else:
        failures.append(what)
        print("FAIL:", what, "" if detail is None else json.dumps(detail)[:2000])


class Server:
    def __init__(self):
        self.proc = subprocess.Popen([DLC, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.notifications = []
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params=None):
        rid = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.wait_response(rid)

    def wait_message(self):
        message = self.messages.get(timeout=TIMEOUT)
        if message is None:
            raise RuntimeError("the server closed its output (crashed?); stderr: " +
                               self.proc.stderr.read().decode(errors="replace"))
        return message

    def wait_response(self, rid):
        while True:
            message = self.wait_message()
            if "method" in message:
                self.notifications.append(message)
            elif message.get("id") == rid:
                return message

    def wait_error_reply(self):
        """The next reply (a response to a request we could not number)."""
        while True:
            message = self.wait_message()
            if "method" in message:
                self.notifications.append(message)
            else:
                return message

    def wait_diagnostics(self, uri):
        for i, n in enumerate(self.notifications):
            if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri:
                del self.notifications[i]
                return n["params"]
        while True:
            message = self.wait_message()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]
            if "method" in message:
                self.notifications.append(message)

    def alive(self):
        return self.proc.poll() is None


def pos(uri, line, character):
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def hover_text(response):
    result = response.get("result")
    if not result:
        return ""
    contents = result["contents"]
    return contents["value"] if isinstance(contents, dict) else json.dumps(contents)


def labels(response):
    result = response.get("result") or {}
    items = result.get("items", result) if isinstance(result, dict) else result
    return {item["label"] for item in items}


def main():
    workdir = tempfile.mkdtemp(prefix="dlc-lsp-")
    path = os.path.join(workdir, "model file.dl")  # a space, to exercise URI escaping
    uri = "file://" + path.replace(" ", "%20")
    with open(path, "w") as f:
        f.write(PROGRAM)

    s = Server()
    # ---- Before initialize: requests are refused, the server stays up.
    r = s.request("textDocument/hover", pos(uri, 0, 0))
    check(r.get("error", {}).get("code") == -32002, "a request before initialize gets ServerNotInitialized", r)

    r = s.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    caps = r.get("result", {}).get("capabilities", {})
    check(caps.get("hoverProvider") is True, "initialize: hover", caps)
    check(caps.get("definitionProvider") is True, "initialize: definition", caps)
    check(caps.get("documentSymbolProvider") is True, "initialize: document symbols", caps)
    check("." in caps.get("completionProvider", {}).get("triggerCharacters", []), "initialize: completion on '.'", caps)
    sync = caps.get("textDocumentSync")
    check(sync == 1 or (isinstance(sync, dict) and sync.get("change") == 1 and sync.get("openClose")),
          "initialize: full text sync", caps)
    s.notify("initialized", {})

    # ---- Diagnostics
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "dl", "version": 1, "text": PROGRAM}})
    d = s.wait_diagnostics(uri)
    diags = d["diagnostics"]
    check(len(diags) == 1, "one diagnostic for the shape error", diags)
    if diags:
        first = diags[0]
        check(first["range"]["start"] == {"line": 18, "character": 10}, "the diagnostic starts at 19:11 (`x @ ...`)", first)
        check("matrix product needs matching inner dimensions: f32[32, 64] @ f32[10, 3]" in first["message"],
              "the diagnostic has dlc --check's message", first)
        check(first.get("severity") == 1 and first.get("source") == "dlc", "severity error, source dlc", first)
    check_same_as_cli(path, diags)

    # ---- Hover
    r = s.request("textDocument/hover", pos(uri, 11, 8))  # `h` in `let h = x @ W`
    check("h: f32[N, 128]" in hover_text(r), "hover on a binding shows its shape", r)
    r = s.request("textDocument/hover", pos(uri, 5, 12))  # `h` in the method: f32[N, 128] too
    check("h: f32[N, 128]" in hover_text(r), "hover on a binding inside a method", r)
    r = s.request("textDocument/hover", pos(uri, 16, 5))  # `x` of the main program
    check("x: f32[32, 64]" in hover_text(r), "hover on a main-program binding", r)
    r = s.request("textDocument/hover", pos(uri, 5, 16))  # `relu`
    text = hover_text(r)
    check("Rectified linear unit" in text and "relu" in text, "hover on a stdlib function shows its doc comment", r)
    r = s.request("textDocument/hover", pos(uri, 19, 14))  # `W` of net.fc1.W
    check("W: f32[64, 128]" in hover_text(r), "hover on a member (net.fc1.W)", r)
    r = s.request("textDocument/hover", pos(uri, 11, 14))  # the `@` of `x @ W`
    check("x @ W: f32[N, 128]" in hover_text(r), "hover on an operator shows the expression's type", r)
    r = s.request("textDocument/hover", pos(uri, 9, 0))  # an empty line
    check("result" in r and r["result"] is None, "hover on nothing is null", r)

    # ---- Definition
    r = s.request("textDocument/definition", pos(uri, 19, 7))  # `net` in print(net.fc1.W)
    locs = r.get("result") or []
    locs = locs if isinstance(locs, list) else [locs]
    check(any(l["uri"] == uri and l["range"]["start"]["line"] == 15 for l in locs),
          "definition of a binding in the same file", r)
    r = s.request("textDocument/definition", pos(uri, 5, 16))  # `relu`
    locs = r.get("result") or []
    locs = locs if isinstance(locs, list) else [locs]
    check(any(l["uri"].endswith("/stdlib/activations.dl") for l in locs), "definition of relu is in stdlib/activations.dl", r)
    if locs and locs[0]["uri"].startswith("file://"):
        stdlib_file = locs[0]["uri"][len("file://"):]
        check(os.path.exists(stdlib_file), "the stdlib location is a real file", locs)
        with open(stdlib_file) as f:
            relu_line = next(i for i, l in enumerate(f) if l.startswith("fn relu("))
        check(locs[0]["range"]["start"] == {"line": relu_line, "character": 3}, "definition of relu is at its name", locs)
    r = s.request("textDocument/definition", pos(uri, 2, 17))  # `Linear`
    locs = r.get("result") or []
    locs = locs if isinstance(locs, list) else [locs]
    check(any(l["uri"].endswith("/stdlib/layers.dl") for l in locs), "definition of Linear is in stdlib/layers.dl", r)
    r = s.request("textDocument/definition", pos(uri, 19, 11))  # `fc1` in print(net.fc1.W)
    locs = r.get("result") or []
    locs = locs if isinstance(locs, list) else [locs]
    check(any(l["uri"] == uri and l["range"]["start"] == {"line": 2, "character": 10} for l in locs),
          "definition of a model member", r)

    # ---- Completion
    r = s.request("textDocument/completion", pos(uri, 19, 0))
    names = labels(r)
    for expected in ["relu", "cross_entropy", "Linear", "Adam", "Mlp", "encode", "net", "x", "exp", "let", "model"]:
        check(expected in names, "completion offers '%s'" % expected, sorted(names))
    check("_columns" not in names, "completion hides the stdlib's private helpers", sorted(names))
    r = s.request("textDocument/completion", pos(uri, 11, 10))  # inside encode: its parameters
    names = labels(r)
    check({"x", "W"} <= names and "net" not in names, "completion inside a function: its parameters, not main's", sorted(names))

    typing = PROGRAM + "net."
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typing}]})
    r = s.request("textDocument/completion", pos(uri, 20, 4))
    names = labels(r)
    check({"fc1", "fc2", "forward"} <= names, "completion after `net.` lists the members", sorted(names))
    typing = PROGRAM + "print(net.fc1."
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": typing}]})
    r = s.request("textDocument/completion", pos(uri, 20, 14))
    names = labels(r)
    check({"W", "b"} <= names, "completion after `print(net.fc1.` (unclosed call) lists W and b", sorted(names))
    typing = PROGRAM + "let w = net.fc2.W + net.fc"
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": typing}]})
    r = s.request("textDocument/completion", pos(uri, 20, 26))
    names = labels(r)
    check({"fc1", "fc2"} <= names, "completion of a partial member `net.fc`", sorted(names))

    # ---- Document symbols
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": PROGRAM}]})
    r = s.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    symbols = r.get("result") or []
    top = {sym["name"]: sym for sym in symbols}
    check({"Mlp", "encode", "net", "x", "y", "bad"} <= set(top), "document symbols: models, functions, bindings", symbols)
    if "Mlp" in top:
        children = {c["name"] for c in top["Mlp"].get("children", [])}
        check({"inputs", "hidden", "classes", "fc1", "fc2", "forward"} <= children,
              "document symbols: a model's parameters and members", top["Mlp"])
    if "encode" in top:
        children = {c["name"] for c in top["encode"].get("children", [])}
        check({"x", "W"} <= children, "document symbols: a function's parameters", top["encode"])

    # ---- UTF-16 columns
    other = "file://" + os.path.join(workdir, "unicode.dl")
    s.notify("textDocument/didOpen", {"textDocument": {"uri": other, "languageId": "dl", "version": 1,
                                                       "text": 'print("😀", rand([2, 3]) @ rand([4, 5]))\n'}})
    d = s.wait_diagnostics(other)
    check(d["diagnostics"] and d["diagnostics"][0]["range"]["start"] == {"line": 0, "character": 12},
          "diagnostic columns count UTF-16 code units", d)
    r = s.request("textDocument/hover", pos(other, 0, 12))
    check("rand" in hover_text(r), "hover after an emoji finds the right name", r)
    s.notify("textDocument/didClose", {"textDocument": {"uri": other}})
    d = s.wait_diagnostics(other)
    check(d["diagnostics"] == [], "closing a document clears its diagnostics", d)

    # ---- An error inside the stdlib shows at the call that leads to it
    third = "file://" + os.path.join(workdir, "stdlib_error.dl")
    s.notify("textDocument/didOpen", {"textDocument": {"uri": third, "languageId": "dl", "version": 1,
                                                       "text": 'let s = "text"\nlet y = relu(s)\n'}})
    d = s.wait_diagnostics(third)["diagnostics"]
    check(len(d) == 1 and d[0]["range"]["start"] == {"line": 1, "character": 8}
          and d[0]["message"].startswith("operator '>' needs tensors"), "a stdlib error is shown at the call site", d)
    related = d[0].get("relatedInformation", []) if d else []
    check(any(isinstance(r, dict) and r["location"]["uri"].endswith("/stdlib/activations.dl") for r in related),
          "the stdlib error's place is in relatedInformation", related)
    s.notify("textDocument/didClose", {"textDocument": {"uri": third}})
    s.wait_diagnostics(third)

    # ---- Unknown methods
    r = s.request("textDocument/fancyFeature", {})
    check(r.get("error", {}).get("code") == -32601, "unknown request gets MethodNotFound", r)
    s.notify("$/somethingNew", {"x": 1})

    # ---- Broken input: the server answers and keeps going
    random.seed(5)
    garbage = bytes(random.randrange(256) for _ in range(300))
    s.send_raw(b"Content-Length: %d\r\n\r\n" % len(garbage) + garbage)
    r = s.wait_error_reply()
    check(r.get("error", {}).get("code") == -32700, "random bytes as a body give ParseError", r)
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '
    s.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    r = s.wait_error_reply()
    check(r.get("error", {}).get("code") == -32700, "truncated JSON gives ParseError", r)
    s.send_raw(b"Content-Type: application/json\r\n\r\n")
    r = s.wait_error_reply()
    check(r.get("error", {}).get("code") == -32700, "a header without Content-Length gives ParseError", r)
    s.send_raw(b"Content-Length: 99999999999999999999\r\n\r\n")
    r = s.wait_error_reply()
    check(r.get("error", {}).get("code") == -32700, "an absurd Content-Length gives ParseError", r)
    s.send_raw(b"Content-Length: -4\r\n\r\n")
    r = s.wait_error_reply()
    check(r.get("error", {}).get("code") == -32700, "a negative Content-Length gives ParseError", r)
    s.send_raw(b"\x00\xff junk before a header")  # resynchronises on the next Content-Length
    r = s.request("textDocument/hover", pos(uri, 11, 8))
    check("h: f32[N, 128]" in hover_text(r), "the server resynchronises after junk between messages", r)
    for message, what in [([1, 2, 3], "a JSON array"), ({"jsonrpc": "2.0", "id": 5}, "a message without a method"),
                          ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}, "an object as id"),
                          ({"jsonrpc": "2.0", "id": 6, "method": 42}, "a number as method"), ("text", "a JSON string")]:
        s.send(message)
        r = s.wait_error_reply()
        check(r.get("error", {}).get("code") == -32600, "%s gives InvalidRequest" % what, r)
    for params, what in [({}, "no params"), ({"textDocument": {"uri": uri}}, "no position"),
                         ({"textDocument": {"uri": 3}, "position": {"line": 0, "character": 0}}, "a number as uri"),
                         (pos(uri, "one", None), "strings as a position"), ([], "an array as params")]:
        r = s.request("textDocument/hover", params)
        check(r.get("error", {}).get("code") == -32602, "hover with %s gives InvalidParams" % what, r)
    for line, character in [(-1, -1), (10 ** 6, 10 ** 6), (3, 10 ** 9)]:
        r = s.request("textDocument/hover", pos(uri, line, character))
        check("result" in r, "hover out of the document (%d, %d) answers" % (line, character), r)
        r = s.request("textDocument/completion", pos(uri, line, character))
        check("result" in r, "completion out of the document (%d, %d) answers" % (line, character), r)
    r = s.request("textDocument/hover", pos("file:///not/open.dl", 0, 0))
    check(r.get("result", "missing") is None, "hover in a document that is not open is null", r)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
    s.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x.dl", "text": None}})
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri}, "contentChanges": "all of it"})
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri}, "contentChanges": [{"range": "x", "text": 1}]})
    s.notify("textDocument/didChange", None)
    s.notify("textDocument/didClose", {"textDocument": None})

    broken_documents = [
        "model { let = ( [ fn",
        "let x = " + "(" * 20000 + "1" + ")" * 20000,
        "let x = " + "[" * 5000,
        "fn f(x) { return f(x) }\nlet y = f(1)",
        "model M(n: int) { layer l = M(n) }\nlet m = M(2)\nm.",
        "let a = rand([2, 2])\nfor i in 0..a { a. }",
        "\x00\x01\x02 let \u2028 x = \"unterminated",
        "use \"does-not-exist.dl\"\nuse \"" + path + "\"\n",
        "".join(random.choice("fnmodel(){}[]<>=+-*/@^.:,\n xy0123\"") for _ in range(3000)),
    ]
    for i, text in enumerate(broken_documents):
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 10 + i},
                                            "contentChanges": [{"text": text}]})
        d = s.wait_diagnostics(uri)
        check(isinstance(d["diagnostics"], list), "broken document %d: diagnostics published" % i)
        end_line = text.count("\n")
        for method in ["textDocument/hover", "textDocument/definition", "textDocument/completion"]:
            for line, character in [(0, 0), (0, 5), (end_line, 1), (end_line, 10 ** 4)]:
                r = s.request(method, pos(uri, line, character))
                if "result" not in r:
                    check(False, "broken document %d: %s answers" % (i, method), r)
        r = s.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        check("result" in r, "broken document %d: document symbols answer" % i, r)
    check(s.alive(), "the server survived the broken input")

    # Valid again: everything still works.
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 50}, "contentChanges": [{"text": PROGRAM}]})
    d = s.wait_diagnostics(uri)
    check(len(d["diagnostics"]) == 1, "after the broken input the real diagnostic is back", d)
    r = s.request("textDocument/hover", pos(uri, 11, 8))
    check("h: f32[N, 128]" in hover_text(r), "after the broken input hover works", r)

    # ---- Shutdown and exit
    r = s.request("shutdown")
    check("result" in r and r["result"] is None, "shutdown answers null", r)
    r = s.request("textDocument/hover", pos(uri, 11, 8))
    check(r.get("error", {}).get("code") == -32600, "requests after shutdown are refused", r)
    s.notify("exit", None)
    try:
        code = s.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        code = None
    check(code == 0, "exit after shutdown: exit code 0", code)

    s = Server()
    s.request("initialize", {"capabilities": {}})
    s.notify("exit", None)
    try:
        code = s.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        code = None
    check(code == 1, "exit without shutdown: exit code 1", code)

    s = Server()
    s.proc.stdin.close()
    try:
        code = s.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        code = None
    check(code == 1, "end of input: the server stops (exit code 1)", code)

    if failures:
        print("\n%d check(s) failed:" % len(failures))
        for f in failures:
            print("  -", f)
        return 1
    print("\nall checks passed")
    return 0


def check_same_as_cli(path, diags):
    """The server reports what `dlc --check` reports, at the same place."""
    run = subprocess.run([DLC, "--check", path], capture_output=True, text=True)
    cli = [l for l in run.stderr.splitlines() if ": error: " in l]
    check(len(cli) == len(diags), "as many diagnostics as dlc --check", run.stderr)
    for line, d in zip(cli, diags):
        # "path:19:11: error: message"
        rest = line[len(path) + 1:]
        lineno, col, _ = rest.split(":", 2)
        message = rest.split(": error: ", 1)[1]
        start, end = d["range"]["start"], d["range"]["end"]
        check(int(lineno) == start["line"] + 1 and start["character"] < int(col) <= end["character"]
              and message == d["message"], "diagnostic matches dlc --check (its caret is in the range): " + line, d)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a timeout or a crash: report it as a failure
        print("FAIL: the exchange broke off:", repr(e))
        sys.exit(1)
