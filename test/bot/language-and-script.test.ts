import { describe, expect, it } from 'vitest';
import { toTraditional } from '../../knowledge/index.js';
import { useTestApp } from '../support/app.js';
import { ChatUser } from '../support/transcript.js';

const app = useTestApp();

// A reply is in traditional characters when converting it again changes nothing.
const isTraditional = (s: string) => toTraditional(s) === s && /[\u4e00-\u9fff]/.test(s);

describe('the reply speaks the user’s language and script', () => {
  it('answers traditional with traditional, buttons included', async () => {
    const turn = await new ChatUser(app().server, 'zh-CN').says('退款三天了還沒到帳');
    expect(isTraditional(turn.said)).toBe(true);
    for (const b of turn.buttons)
      expect(isTraditional(b.label) || !/[\u4e00-\u9fff]/.test(b.label)).toBe(true);
  });

  it('keeps simplified for a user who writes simplified', async () => {
    const turn = await new ChatUser(app().server).says('退款三天了还没到账');
    expect(turn.said).toMatch(/[这么们钱账]/);
  });

  it('answers an English message in English on a Chinese page', async () => {
    const turn = await new ChatUser(app().server, 'zh-CN').says('how long does a refund take to arrive?');
    expect(turn.said).toMatch(/[a-z]{3,}/i);
    expect(turn.said).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('stays in English after the user switched, even for a message of digits only', async () => {
    const user = new ChatUser(app().server, 'zh-CN');
    await user.says('can we continue in English? my refund has not arrived');
    const turn = await user.says('202611180045');
    expect(turn.said).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('a link or an e-mail address alone keeps the conversation’s language', async () => {
    const user = new ChatUser(app().server, 'zh-CN');
    await user.says('退款还没到账');
    for (const written of ['https://pay.example.com/order/123', 'wang.li@example.com'])
      expect((await user.says(written)).said).toMatch(/[\u4e00-\u9fff]/);
    // words around it still say which language it is
    const english = await new ChatUser(app().server, 'zh-CN').says('my email is wang.li@example.com');
    expect(english.said).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('switches back when asked to speak Chinese', async () => {
    const user = new ChatUser(app().server, 'en');
    await user.says('hello');
    const turn = await user.says('说中文');
    expect(turn.said).toMatch(/[\u4e00-\u9fff]/);
  });

  it('takes the page’s language for a first message without letters', async () => {
    const turn = await new ChatUser(app().server, 'en').says('202611180045');
    expect(turn.said).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('a message that reads the same in both scripts', () => {
  it('keeps a traditional conversation traditional', async () => {
    const user = new ChatUser(app().server);
    await user.says('退款三天了還沒到帳');
    const turn = await user.says('好了，可以了');
    expect(isTraditional(turn.said) || !/[\u4e00-\u9fff]/.test(turn.said)).toBe(true);
  });
});
