import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowProblems, loadFlows } from '../../flows/engine/index.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = `id: sample
title: { zh: 示例, en: Sample }
intents: [refund_failed]
slots:
  answer: { type: yes_no }
start: ask
nodes:
  ask:
    kind: ask
    slot: answer
    prompt: { zh: 好吗？, en: OK? }
    reprompt: { zh: 请回答是或否。, en: Please answer yes or no. }
    next: done
  done:
    kind: end
`;

function problems(yaml: string, articleIds: string[] = ['refund-failed']): string[] {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ra-flows-'));
  writeFileSync(path.join(dir, 'sample.yml'), yaml);
  try {
    loadFlows({ dir, articleIds: new Set(articleIds) });
    return [];
  } catch (e) {
    if (e instanceof FlowProblems) return e.problems;
    throw e;
  }
}

describe('flow checks (npm run check)', () => {
  it('accept a well-formed tree', () => {
    expect(problems(base)).toEqual([]);
  });

  it('an unreachable node', () => {
    const yaml = `${base}  orphan:\n    kind: end\n`;
    expect(problems(yaml)).toContain('flows/sample.yml: node orphan: is unreachable from "ask"');
  });

  it('a path that never ends', () => {
    const yaml = base
      .replace('    next: done\n', '    next: loop\n')
      .concat(`  loop:\n    kind: say\n    text: { zh: 又来, en: Again }\n    next: ask\n`);
    const found = problems(yaml);
    expect(found).toContain('flows/sample.yml: node ask: no path from here ever ends (a loop without exit)');
  });

  it('a missing translation', () => {
    const found = problems(base.replace('prompt: { zh: 好吗？, en: OK? }', 'prompt: { zh: 好吗？ }'));
    expect(found.join('\n')).toMatch(/nodes\.ask\.prompt\.en/);
  });

  it('an unknown intent, slot, article and node', () => {
    const yaml = base
      .replace('intents: [refund_failed]', 'intents: [refund_lost]')
      .replace('    slot: answer\n', '    slot: nope\n')
      .replace(
        '  done:\n    kind: end\n',
        '  done:\n    kind: article\n    article: no-such-article\n    next: gone\n',
      );
    const found = problems(yaml).join('\n');
    expect(found).toContain('intents.0');
  });

  it('an unknown slot, article and next node (with a known intent)', () => {
    const yaml = base
      .replace('    slot: answer\n', '    slot: nope\n')
      .replace(
        '  done:\n    kind: end\n',
        '  done:\n    kind: article\n    article: no-such-article\n    next: gone\n',
      );
    const found = problems(yaml).join('\n');
    expect(found).toContain('asks for undeclared slot "nope"');
    expect(found).toContain('unknown article "no-such-article"');
    expect(found).toContain('goes to unknown node "gone"');
  });

  it('a placeholder that names nothing', () => {
    const found = problems(
      base.replace('prompt: { zh: 好吗？, en: OK? }', 'prompt: { zh: "{slots.amount}好吗？", en: OK? }'),
    );
    expect(found.join('\n')).toContain('placeholder {slots.amount} names nothing known');
  });
});
