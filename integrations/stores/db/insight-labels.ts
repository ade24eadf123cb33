import type { Kysely } from 'kysely';
import type { DigestClaims, LabelStatus, LabelStore, QuestionLabel } from '../../../bot/insights/index.js';
import type { Schema } from './schema.js';

const n = (v: unknown): number => Number(v ?? 0);

/** A digest claimed this long ago and not posted: its instance is gone. */
const STALE_DIGEST_CLAIM_MS = 15 * 60_000;

/**
 * The loop's review queue (labelled unanswered questions, issue 14) and the daily digest's claims:
 * small tables beside the events, each written by a person's click or once a day.
 */
export class SqlLabels implements LabelStore, DigestClaims {
  constructor(private readonly db: () => Kysely<Schema>) {}

  async putLabel(label: QuestionLabel): Promise<'added' | 'replaced' | 'already_exported'> {
    return this.db()
      .transaction()
      .execute(async (trx) => {
        const before = await trx
          .selectFrom('insight_labels')
          .select('status')
          .where('key', '=', label.key)
          .executeTakeFirst();
        if (before?.status === 'exported') return 'already_exported';
        const row = {
          key: label.key,
          lang: label.lang,
          example: label.example,
          wordings: JSON.stringify(label.wordings),
          label: label.label,
          count: label.count,
          status: 'pending',
          labelled_at: label.labelledAt,
          exported_at: null,
          exported_to: null,
        };
        // two leads labelling one question at once: the later label wins, neither fails
        await trx
          .insertInto('insight_labels')
          .values(row)
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet({
                example: row.example,
                wordings: row.wordings,
                label: row.label,
                count: row.count,
                labelled_at: row.labelled_at,
              })
              .where('insight_labels.status', '=', 'pending'),
          )
          .execute();
        return before ? 'replaced' : 'added';
      });
  }

  async removeLabel(key: string): Promise<boolean> {
    const r = await this.db()
      .deleteFrom('insight_labels')
      .where('key', '=', key)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numDeletedRows ?? 0) > 0;
  }

  async labels(status?: LabelStatus): Promise<QuestionLabel[]> {
    let q = this.db().selectFrom('insight_labels').selectAll();
    if (status) q = q.where('status', '=', status);
    const rows = await q.orderBy('labelled_at', 'desc').orderBy('key').execute();
    return rows.map((r) => ({
      key: r.key,
      lang: r.lang === 'en' ? 'en' : 'zh',
      example: r.example,
      wordings: JSON.parse(r.wordings) as string[],
      label: r.label,
      count: n(r.count),
      status: r.status === 'exported' ? 'exported' : 'pending',
      labelledAt: r.labelled_at,
      exportedAt: r.exported_at,
      exportedTo: r.exported_to,
    }));
  }

  async markExported(keys: readonly string[], file: string, at: string): Promise<void> {
    if (!keys.length) return;
    await this.db()
      .updateTable('insight_labels')
      .set({ status: 'exported', exported_at: at, exported_to: file })
      .where('key', 'in', [...keys])
      .where('status', '=', 'pending')
      .execute();
  }

  /** True for the one caller that takes on `day`'s digest; a digest already posted is never taken. */
  async claimDigest(day: string, at: string): Promise<boolean> {
    const r = await this.db()
      .insertInto('insight_digests')
      .values({ day, claimed_at: at, posted_at: null })
      .onConflict((oc) => oc.column('day').doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return true;
    // a claim whose instance died before posting is taken over after a while
    const stale = new Date(Date.parse(at) - STALE_DIGEST_CLAIM_MS).toISOString();
    const u = await this.db()
      .updateTable('insight_digests')
      .set({ claimed_at: at })
      .where('day', '=', day)
      .where('posted_at', 'is', null)
      .where('claimed_at', '<', stale)
      .executeTakeFirst();
    return Number(u.numUpdatedRows ?? 0) > 0;
  }

  async digestPosted(day: string, at: string): Promise<void> {
    await this.db().updateTable('insight_digests').set({ posted_at: at }).where('day', '=', day).execute();
  }

  /** A digest that could not be posted is given back, so the next attempt may take it. */
  async releaseDigest(day: string): Promise<void> {
    await this.db()
      .deleteFrom('insight_digests')
      .where('day', '=', day)
      .where('posted_at', 'is', null)
      .execute();
  }
}
