// Proves the harness: the tests really run inside code-server's Node extension host, on the fixture copy,
// with this repository loaded as the development extension.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'sale-dev.sale-vscode';

describe('integration host (smoke)', () => {
  it('is a real VS Code extension host on Node 24', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.match(process.version, /^v24\./, 'code-server runs extensions in Node 24');
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
  });

  it('opened the temp copy of the fixture repo as the only workspace folder', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const expected = process.env.SALE_IT_WORKSPACE;
    assert.ok(expected, 'runTest.ts passes SALE_IT_WORKSPACE');
    assert.equal(folders[0].uri.fsPath, expected);
    assert.ok(fs.existsSync(path.join(expected, '.git')), 'the fixture copy is a git repository');
    assert.ok(fs.existsSync(path.join(expected, 'package.json')));
  });

  it('loaded this repository as the development extension', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is known to the host`);
    assert.equal(ext.packageJSON.name, 'sale-vscode');
    const main = ext.packageJSON.main as string | undefined;
    if (!main || !fs.existsSync(path.join(ext.extensionPath, main))) {
      this.skip(); // no entry point built yet: nothing to activate
    }
    await ext.activate();
    assert.ok(ext.isActive);
  });
});
