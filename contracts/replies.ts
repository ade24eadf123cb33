// Channel-neutral replies (DESIGN.md). Adapters render them; the core never knows who reads them.

export interface TextReply {
  type: 'text';
  /** A safe Markdown subset: **bold**, numbered and bulleted lists, line breaks. Never HTML. */
  text: string;
}

export interface Choice {
  label: string;
  /** Posted back as `action` to continue the conversation. */
  action: string;
}

export interface ChoicesReply {
  type: 'choices';
  choices: Choice[];
}

export interface CardReply {
  type: 'card';
  title: string;
  fields: Array<{ label: string; value: string }>;
}

export interface ArticleReply {
  type: 'article';
  id: string;
  title: string;
  snippet: string;
  url: string;
}

export type Reply = TextReply | ChoicesReply | CardReply | ArticleReply;

export const text = (t: string): TextReply => ({ type: 'text', text: t });
export const choices = (list: Choice[]): ChoicesReply => ({ type: 'choices', choices: list });
export const card = (title: string, fields: CardReply['fields']): CardReply => ({
  type: 'card',
  title,
  fields,
});
