/** An error whose message is meant for the user as it stands (no stack needed to understand it). */
export class SaleError extends Error {
  constructor(message: string, readonly code: string = 'sale') {
    super(message);
    this.name = 'SaleError';
  }
}

export class CancelledError extends SaleError {
  constructor(what = 'Run') {
    super(`${what} cancelled.`, 'cancelled');
    this.name = 'CancelledError';
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
