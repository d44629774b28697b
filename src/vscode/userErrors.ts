import { SaleError } from '../core/errors';

/** A clear, actionable error for the user, with buttons that run commands. Raised before anything is spent. */
export class UserFacingError extends SaleError {
  constructor(message: string, code: string, readonly actions: { title: string; command: string; args?: unknown[] }[] = []) {
    super(message, code);
  }
}

export class NoWorkspaceError extends UserFacingError {
  constructor() {
    super('Open the repository you want to change first (File › Open Folder): SALE works inside a folder. Nothing was lost.', 'no-workspace',
      [{ title: 'Open Folder…', command: 'workbench.action.files.openFolder' }]);
  }
}

/** The notification text: "SALE: …" once, however the message starts. */
export function notificationText(message: string): string {
  return /^SALE\b/.test(message) ? message : `SALE: ${message}`;
}
