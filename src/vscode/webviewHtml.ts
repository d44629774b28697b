import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The page of a SALE webview view: a CSP with a nonce (no inline code, nothing remote), only `dist/media` as a
 * resource root, the shared stylesheet and one script bundle. One home for every SALE webview's security settings.
 */
export function webviewHtml(webview: vscode.Webview, mediaRoot: vscode.Uri, script: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const js = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, script));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}" nonce="${nonce}">
<title>${title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${js}"></script>
</body>
</html>`;
}

/** Webview options of a SALE view: scripts on, only `dist/media` readable, no command URIs. */
export function webviewOptions(mediaRoot: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot], enableCommandUris: false };
}
