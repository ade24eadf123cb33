// What the launcher and the panel share. The launcher stays tiny; the panel comes on first open.

export interface WidgetOptions {
  /** Where the assistant lives (the script's own origin by default). */
  server: string;
  title?: string;
  color?: string;
  position?: 'right' | 'left';
  locale?: 'zh' | 'en';
  greeting?: string;
  /** A merchant token from the portal: merchant mode. */
  token?: string;
}

export interface PanelApi {
  open(): void;
  close(): void;
  setLocale(locale: 'zh' | 'en'): void;
  identify(token: string | undefined): void;
  /** Opens the panel and sends a question, as if typed (for example questions on a help page). */
  ask(text: string): void;
}

/** What the launcher hands the panel once it has loaded. */
export interface Mount {
  root: ShadowRoot;
  options: WidgetOptions;
  /** The launcher button: focus returns to it when the panel closes. */
  launcher: HTMLButtonElement;
  onUnread(count: number): void;
  onOpenChange(open: boolean): void;
}

export const NAMESPACE = 'RefundAssistant';

declare global {
  interface Window {
    RefundAssistant?: PanelApi & { _mount?: (m: Mount) => PanelApi };
  }
}
