/**
 * The --json report, capped: a 200 MB write_file once made a 400 MB report. Long strings are clipped (with how
 * much was cut), long arrays shortened, and if the whole still exceeds the cap only the summary fields remain.
 * `reportTruncated` says when anything was cut.
 */
export const MAX_JSON_REPORT_BYTES = 4 * 1024 * 1024;
export const MAX_JSON_STRING_CHARS = 64 * 1024;
export const MAX_JSON_ARRAY_ITEMS = 2000;

/** Summary fields kept when even the clipped report is too big. */
const SUMMARY_KEYS = ['simulated', 'memory', 'memoryRecordId', 'notExecuted', 'passed', 'overridden', 'chosenBidIndex', 'totals', 'accepted', 'reverted', 'warnings'];

export function capJsonReport(report: Record<string, unknown>, maxBytes = MAX_JSON_REPORT_BYTES): string {
  let cut = false;
  const replacer = (_key: string, value: unknown) => {
    if (typeof value === 'string' && value.length > MAX_JSON_STRING_CHARS) {
      cut = true;
      return `${value.slice(0, MAX_JSON_STRING_CHARS)}…[${value.length - MAX_JSON_STRING_CHARS} more characters cut from the report]`;
    }
    if (Array.isArray(value) && value.length > MAX_JSON_ARRAY_ITEMS) {
      cut = true;
      return [...value.slice(0, MAX_JSON_ARRAY_ITEMS), `…[${value.length - MAX_JSON_ARRAY_ITEMS} more items cut from the report]`];
    }
    return value;
  };
  const full = JSON.stringify(report, replacer, 2);
  if (Buffer.byteLength(full, 'utf8') <= maxBytes) {
    return cut ? JSON.stringify({ ...report, reportTruncated: true }, replacer, 2) : full;
  }
  const summary: Record<string, unknown> = { reportTruncated: true, reportNote: `the full report exceeded ${maxBytes} bytes; only the summary is shown` };
  for (const k of SUMMARY_KEYS) if (k in report) summary[k] = report[k];
  const text = JSON.stringify(summary, replacer, 2);
  return Buffer.byteLength(text, 'utf8') <= maxBytes ? text : JSON.stringify({ reportTruncated: true, reportNote: summary.reportNote });
}
