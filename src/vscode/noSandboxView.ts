/**
 * What the panel says when commands run without a sandbox (issue 9: "say so once, plainly, in the CLI and in the
 * panel"). Pure (no `vscode`), so the install hint is unit-tested; the headline is webviewMessages.NO_SANDBOX_HEADLINE.
 */
import type { SandboxInfo } from '../core/execution/commandSandbox';
import type { NoSandboxView } from './webviewMessages';

/** The panel's view of the sandbox probe: null with a sandbox; else why there is none and how to get one. */
export function noSandboxView(info: SandboxInfo, platform: NodeJS.Platform = process.platform): NoSandboxView | null {
  if (info.kind !== 'none') return null;
  // Switched off on purpose, or a platform without bubblewrap: there is nothing to install.
  const canInstall = platform === 'linux' && !/SALE_SANDBOX=off/.test(info.reason);
  return {
    reason: info.reason.slice(0, 500),
    install: canInstall ? 'Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap), then reload the window.' : null,
  };
}
