import { type Reply, text } from '../../contracts/replies.js';
import {
  KIND_LABELS,
  kindGroup,
  type Lang,
  type Understanding,
  unusableKind,
} from '../../knowledge/index.js';
import type { Say } from '../messages.js';

/**
 * The user gave a number no look-up can find a transaction by (a voucher, a WeChat number):
 * which number we need instead, and where it is printed, rather than "not found".
 */
export function referenceHint(u: Understanding, lang: Lang, say: Say): Reply[] {
  const kind = unusableKind(u.entities.identifiers);
  if (!kind) return [];
  const group = kindGroup(kind);
  if (group === 'usable') return [];
  const key =
    group === 'wallet'
      ? 'reference_not_wallet'
      : group === 'refund'
        ? 'reference_not_refund'
        : 'reference_from_slip';
  return [text(say(key, lang, { kind: KIND_LABELS[kind][lang] }))];
}
