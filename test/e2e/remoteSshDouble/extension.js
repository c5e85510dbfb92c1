// Test only: records what opensshremotes.openEmptyWindow is called with (one JSON line per call).
const fs = require('fs');
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('opensshremotes.openEmptyWindow', (args) => {
    const file = process.env.CVM_REMOTE_SSH_RECORD;
    if (file) fs.appendFileSync(file, JSON.stringify(args === undefined ? null : args) + '\n');
  }));
};
exports.deactivate = () => undefined;
