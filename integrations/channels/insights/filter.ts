import { z } from 'zod';
import type { InsightsFilter } from '../../../bot/insights/index.js';
import { ApiError } from '../../../contracts/errors.js';
import { formatDate, todayIn } from '../../../knowledge/index.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const query = z.object({
  from: day.optional(),
  to: day.optional(),
  channel: z
    .string()
    .max(60)
    .regex(/^[\w./-]*$/)
    .optional(),
});

/** The longest range a page may ask for (a year and a bit). */
export const MAX_DAYS = 400;
/** The page opens on the last 30 days. */
export const DEFAULT_DAYS = 30;

const dayMs = 86_400_000;

/** from/to/channel from the query string; default: the last 30 days, every channel (China days). */
export function filterOf(raw: unknown, now: Date): InsightsFilter {
  const parsed = query.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ApiError('BAD_REQUEST', { detail: parsed.error.issues.map((i) => i.message).join('; ') });
  const to = parsed.data.to ?? formatDate(todayIn(now));
  const from =
    parsed.data.from ??
    formatDate(todayIn(new Date(Date.parse(`${to}T12:00:00+08:00`) - (DEFAULT_DAYS - 1) * dayMs)));
  if (from > to) throw new ApiError('BAD_REQUEST', { detail: 'from is after to' });
  if ((Date.parse(to) - Date.parse(from)) / dayMs >= MAX_DAYS)
    throw new ApiError('BAD_REQUEST', { detail: `at most ${MAX_DAYS} days` });
  return { from, to, ...(parsed.data.channel && { channel: parsed.data.channel }) };
}
