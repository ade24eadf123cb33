import { parseArgs } from 'node:util';
import { maskContact, type TicketRecord, type TicketStore } from '../../bot/handoff/index.js';
import { SqlTicketStore } from '../../integrations/stores/db/index.js';
import type { Resources } from './open.js';
import { TICKETS_USAGE } from './usage.js';

export { TICKETS_USAGE };

type Write = (s: string) => void;

/**
 * `tickets list` and `tickets show`, over any TicketStore (the tests give theirs). The list masks
 * the contact: it is read over shoulders and pasted into chats; `show` is the one place it is clear.
 */
export async function ticketsCommand(args: string[], tickets: TicketStore, out: Write, err: Write) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string' } },
  });
  const [sub, id] = positionals;
  if (sub === 'list') {
    const limit = values.limit ? Number(values.limit) : undefined;
    const list = (await tickets.list(limit && limit > 0 ? { limit } : {})).map(masked);
    if (values.json) out(`${JSON.stringify(list, null, 2)}\n`);
    else if (!list.length) out('no tickets\n');
    else out(`${list.map(row).join('\n')}\n`);
    return 0;
  }
  if (sub === 'show' && id) {
    const ticket = await tickets.get(id.trim().toUpperCase());
    if (!ticket) {
      err(`no ticket ${id}\n`);
      return 1;
    }
    out(values.json ? `${JSON.stringify(ticket, null, 2)}\n` : `${full(ticket)}\n`);
    return 0;
  }
  err(`Usage:\n${TICKETS_USAGE}`);
  return 2;
}

/** The command on this deployment's database (no acquirer or understanding needed to read it). */
export async function tickets(args: string[], open: Resources, out: Write, err: Write): Promise<number> {
  return ticketsCommand(args, new SqlTicketStore(await open.database()), out, err);
}

function masked(t: TicketRecord) {
  return { ...t, contact: maskContact(t.contact) };
}

function row(t: ReturnType<typeof masked>): string {
  const what = (t.message || t.summary.intent?.title || t.summary.reason).replace(/\s+/g, ' ').slice(0, 40);
  return [
    t.number,
    t.createdAt.slice(0, 16).replace('T', ' '),
    t.status,
    t.channel,
    t.lang,
    t.contact,
    what,
  ].join('  ');
}

function full(t: TicketRecord): string {
  const s = t.summary;
  return [
    `${t.number}  ${t.status}  ${t.createdAt}`,
    `contact:       ${t.contact.value} (${t.contact.kind})`,
    `conversation:  ${t.conversationId}  ${t.channel}  ${t.lang}`,
    `reason:        ${s.reason}${s.intent ? ` · ${s.intent.title}` : ''}`,
    ...(s.merchantNo ? [`merchant:      ${s.merchantNo}`] : []),
    ...(s.reference ? [`reference:     ${s.reference}`] : []),
    ...Object.entries(s.given).map(([k, v]) => `given:         ${k}: ${String(v)}`),
    ...(t.message ? [`message:       ${t.message.replace(/\n/g, '\n               ')}`] : []),
    ...(s.transcript.length
      ? ['transcript:', ...s.transcript.map((m) => `  ${m.at.slice(11, 16)} ${m.from}: ${m.text}`)]
      : []),
  ].join('\n');
}
