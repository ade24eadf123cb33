import { POLICY_PLACEHOLDERS } from '../../knowledge/index.js';
import { type Flow, type FlowNode, PLACEHOLDER, type Test } from './schema.js';

/** Facts that nodes produce and conditions and texts may read. */
export const KNOWN_FACTS = {
  estimate: [
    'arrival.overdue',
    'arrival.latest',
    'arrival.due',
    'arrival.earliest',
    'arrival.method',
    'arrival.note',
    'arrival.days_late',
    'arrival.approximate',
  ],
  lookup: [
    'lookup.status',
    'lookup.locked',
    'requester.trusted',
    'refund.completed',
    'refund.failure',
    'transaction.refunded',
    'lookup.kind',
    'refund.status',
    'refund.method',
    'refund.amount',
    'refund.date',
    'refund.reference',
    'transaction.status',
    'transaction.amount',
    'transaction.method',
    'transaction.date',
  ],
  application: [
    'application.status',
    'application.number',
    'application.remaining',
    'application.remaining_fen',
    'application.reference',
    'application.amount',
    'application.reason',
    'application.proof_count',
  ],
} as const;
const ALL_FACTS = new Set<string>([
  ...KNOWN_FACTS.estimate,
  ...KNOWN_FACTS.lookup,
  ...KNOWN_FACTS.application,
]);

export function successors(node: FlowNode): string[] {
  switch (node.kind) {
    case 'say':
    case 'estimate':
    case 'article':
      return [node.next];
    case 'ask':
      return [
        ...(node.next ? [node.next] : []),
        ...(node.options ?? []).flatMap((o) => (o.next ? [o.next] : [])),
      ];
    case 'branch':
      return [...node.cases.map((c) => c.next), node.else];
    case 'lookup':
      return [node.found, node.not_found, node.unavailable, node.denied];
    case 'application':
      return [...Object.values(node.outcomes), node.else];
    case 'handoff':
    case 'end':
      return [];
  }
}

function tests(node: FlowNode): Test[] {
  if (node.kind !== 'branch') return [];
  return node.cases.flatMap((c) => ('all' in c.when ? c.when.all : [c.when]));
}

function texts(node: FlowNode): string[] {
  const out: string[] = [];
  const add = (t?: { zh: string; en: string }) => {
    if (t) out.push(t.zh, t.en);
  };
  if (node.kind === 'say') add(node.text);
  if (node.kind === 'ask') {
    add(node.prompt);
    add(node.reprompt);
    for (const o of node.options ?? []) add(o.label);
  }
  if (node.kind === 'article') add(node.intro);
  if (node.kind === 'handoff' || node.kind === 'end') add(node.text);
  return out;
}

export interface CheckContext {
  articleIds: ReadonlySet<string>;
}

/**
 * The checks a schema cannot express: every id points somewhere, every node is reachable from the
 * start, every node can reach an end (no path that never finishes), slots and facts are declared,
 * placeholders name something that exists, articles exist. Returns one line per problem.
 */
export function checkFlow(flow: Flow, ctx: CheckContext, file: string): string[] {
  const problems: string[] = [];
  const at = (node: string) => `${file}: node ${node}`;
  const ids = new Set(Object.keys(flow.nodes));
  if (!ids.has(flow.start)) problems.push(`${file}: start "${flow.start}" is not a node`);

  for (const [id, node] of Object.entries(flow.nodes)) {
    for (const next of successors(node))
      if (!ids.has(next)) problems.push(`${at(id)}: goes to unknown node "${next}"`);
    if (node.kind === 'ask') {
      const slot = flow.slots[node.slot];
      if (!slot) problems.push(`${at(id)}: asks for undeclared slot "${node.slot}"`);
      const needsOptions = slot?.type === 'choice';
      if (needsOptions && !node.options) problems.push(`${at(id)}: a choice slot needs options`);
      if (!node.next && (node.options ?? []).some((o) => !o.next)) {
        problems.push(`${at(id)}: without "next", every option needs its own "next"`);
      }
      if (!node.next && !node.options) problems.push(`${at(id)}: has nowhere to go after the answer`);
      for (const o of node.options ?? []) {
        const given = o.given ? flow.slots[o.given] : undefined;
        if (o.given && !given)
          problems.push(`${at(id)}: option "${o.value}" is given by undeclared slot "${o.given}"`);
        else if (given && (given.type === 'text' || given.type === 'choice'))
          problems.push(
            `${at(id)}: option "${o.value}" cannot be given by a ${given.type} slot (every answer would pick it)`,
          );
      }
    }
    if (node.kind === 'estimate') {
      for (const ref of [...node.method, ...node.date]) {
        const ok = ref.startsWith('slots.') ? flow.slots[ref.slice(6)] !== undefined : ALL_FACTS.has(ref);
        if (!ok) problems.push(`${at(id)}: estimate reads unknown "${ref}"`);
      }
    }
    if (node.kind === 'article' && !ctx.articleIds.has(node.article)) {
      problems.push(`${at(id)}: unknown article "${node.article}"`);
    }
    for (const t of tests(node)) {
      if (t.slot && !flow.slots[t.slot]) problems.push(`${at(id)}: tests undeclared slot "${t.slot}"`);
      if (t.fact && !ALL_FACTS.has(t.fact)) problems.push(`${at(id)}: tests unknown fact "${t.fact}"`);
      if (t.days_ago && t.slot && flow.slots[t.slot]?.type !== 'date')
        problems.push(`${at(id)}: days_ago needs a date slot`);
    }
    for (const text of texts(node)) {
      for (const m of text.matchAll(PLACEHOLDER)) {
        const name = m[1] as string;
        const known =
          (name.startsWith('slots.') && flow.slots[name.slice(6)] !== undefined) ||
          ALL_FACTS.has(name) ||
          (POLICY_PLACEHOLDERS as readonly string[]).includes(name);
        if (!known) problems.push(`${at(id)}: placeholder {${name}} names nothing known`);
      }
    }
  }

  // reachable from the start
  const reached = new Set<string>();
  const queue = [flow.start];
  while (queue.length) {
    const id = queue.pop() as string;
    if (reached.has(id) || !ids.has(id)) continue;
    reached.add(id);
    queue.push(...successors(flow.nodes[id] as FlowNode));
  }
  for (const id of ids) if (!reached.has(id)) problems.push(`${at(id)}: is unreachable from "${flow.start}"`);

  // every node must be able to finish: walk back from the ends
  const finishes = new Set(
    Object.entries(flow.nodes)
      .filter(([, n]) => n.kind === 'end' || n.kind === 'handoff')
      .map(([id]) => id),
  );
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, node] of Object.entries(flow.nodes)) {
      if (!finishes.has(id) && successors(node).some((s) => finishes.has(s))) {
        finishes.add(id);
        grew = true;
      }
    }
  }
  for (const id of ids) {
    if (reached.has(id) && !finishes.has(id))
      problems.push(`${at(id)}: no path from here ever ends (a loop without exit)`);
  }
  return problems;
}
