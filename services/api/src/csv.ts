// CSV for spreadsheets: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
// (=, +, -, @ first) prefixed with a quote, since post text is written by strangers.

// Numbers and post ids (-100123_45): nothing a spreadsheet could run, and they must stay as in the JSON.
const INERT = /^-?\d+(\.\d+)?(e-?\d+)?$|^-?\d{1,20}_\d{1,20}$/i;

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = Array.isArray(value) ? value.join('|') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !INERT.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
