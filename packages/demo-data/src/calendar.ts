/** Calendar dates as whole days since 1970-01-01 (UTC), and back to ISO 8601 (YYYY-MM-DD). */
const DAY_MS = 86_400_000;

export function toDay(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`expected a date YYYY-MM-DD, got ${iso}`);
  const ms = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(iso)) throw new Error(`no such date: ${iso}`);
  return Math.round(ms / DAY_MS);
}

// Histories format the same few thousand days millions of times: remember them.
const formatted = new Map<number, string>();

export function isoDate(day: number): string {
  let iso = formatted.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (formatted.size < 100_000) formatted.set(day, iso);
  }
  return iso;
}

/** The same day `months` later (the end of the month when it has no such day). */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastOfMonth));
  return Math.round(target.getTime() / DAY_MS);
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Today in UTC, as the registry's clock sees it. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
