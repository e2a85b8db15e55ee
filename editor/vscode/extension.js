// Starts `dlc lsp` for .dl files. Highlighting comes from the grammar in
// syntaxes/; everything else (diagnostics, hover, definition, completion,
// outline) from the server. Needs `npm install` (vscode-languageclient) once.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('dl').get('server.path') || 'dlc';
  const serverOptions = { command, args: ['lsp'] };  // stdio
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'dl' },
      { scheme: 'untitled', language: 'dl' },
    ],
  };
  client = new LanguageClient('dl', 'DL language server', serverOptions, clientOptions);
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
