// Drives the Microsoft 365 Agents Playground's chat page in Debian's Chromium through playwright-core.
// Selectors and launch flags were measured in shared/spec/local-e2e.md.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { makeTempDirectory } from '../support/tempDirectory.js';
import type { TempDirectory } from '../support/tempDirectory.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CARDS = '.ac-adaptiveCard';
const MESSAGES = '.fai-OutputCard';

/** Fails loudly rather than skipping: CI installs Chromium when it sees test/e2e/.needs-chromium. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (never let a tool download one).`);
  }
}

export class PlaygroundPage {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profileDir: TempDirectory,
    readonly page: Page,
  ) {}

  /**
   * A fresh browser profile on the Playground's personal chat, with the log panel hidden. `client` sets the browser's
   * language and time zone, which is how a card's {{DATE()}} and {{TIME()}} read to the person.
   */
  static async open(url: string, client: { locale?: string; timezoneId?: string } = {}): Promise<PlaygroundPage> {
    assertChromiumInstalled();
    const profileDir = await makeTempDirectory('rally-e2e-chromium-');
    const context = await chromium.launchPersistentContext(profileDir.path, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: 1280, height: 900 },
      ...client,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Nothing leaves loopback: the page only loses CDN fonts and icons, which fall back.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
    const page = context.pages()[0] ?? (await context.newPage());
    // Every step here takes well under a second; fail with the locator's own message before mocha's timeout.
    page.setDefaultTimeout(15_000);
    const playground = new PlaygroundPage(context, profileDir, page);
    await page.goto(url);
    // Otherwise text searches also match the log panel's copies of each activity.
    await page.locator('button[title="Hide log panel"]').click();
    await playground.composeBox().waitFor();
    return playground;
  }

  private composeBox(): Locator {
    return this.page.locator('[role="textbox"][contenteditable="true"]').last();
  }

  /** All Adaptive Cards in the chat, oldest first. */
  cards(): Locator {
    return this.page.locator(CARDS);
  }

  /** Bot messages (text or card) that contain the text. */
  botMessage(text: string | RegExp): Locator {
    return this.page.locator(MESSAGES).filter({ hasText: text });
  }

  async send(text: string): Promise<void> {
    await this.composeBox().click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Runs `act` and returns the first card that appears after it. Positional, so it keeps pointing at the same card while
   * the bot updates it in place and later cards arrive below it.
   */
  async newCardAfter(act: () => Promise<void>): Promise<Locator> {
    const before = await this.cards().count();
    await act();
    const card = this.cards().nth(before);
    await card.waitFor();
    return card;
  }

  async sendAndWaitForCard(text: string): Promise<Locator> {
    return this.newCardAfter(() => this.send(text));
  }

  /**
   * Sends an activity through the Playground's "Mock an Activity › Custom activity" dialog: `edit` turns the template
   * the dialog opens with (the activity's id, serviceUrl, conversation, sender and recipient) into the one to send.
   * It is the Playground's only way to send what its own activities never carry, such as a locale other than en-US.
   */
  async sendCustomActivity(edit: (template: ActivityJson) => ActivityJson): Promise<void> {
    await this.page.getByRole('button', { name: 'Mock an Activity' }).click();
    await this.page.getByRole('menuitem', { name: 'Custom activity', exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    const editor = dialog.locator('.monaco-editor');
    const activity = JSON.stringify(edit(JSON.parse(await this.editorText(editor)) as ActivityJson));
    // On one line, so the editor indents nothing; what it closes by itself after the cursor goes.
    await this.page.keyboard.insertText(activity);
    await this.page.keyboard.press('Shift+Control+End');
    await this.page.keyboard.press('Delete');
    const typed = await this.editorText(editor);
    if (typed !== activity) throw new Error(`The custom activity editor holds ${typed}, not ${activity}`);
    await dialog.getByRole('button', { name: 'Send activity', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** All of a Monaco editor's text, selected: the editor keeps its selection in its hidden textarea, as for a copy. */
  private async editorText(editor: Locator): Promise<string> {
    await editor.click();
    await this.page.keyboard.press('Control+A');
    return editor.locator('textarea').inputValue();
  }

  /**
   * Starts keeping the text of every version of every card the page shows, so a test can see states that the bot
   * replaced before the test looked (a card goes from "Connecting…" to "Connected" in a fraction of a second).
   * A reload would lose the record, so reading it back also shows the updates arrived live.
   */
  async recordCardVersions(): Promise<() => Promise<string[]>> {
    await this.page.evaluate((selector) => {
      // The tests compile without the DOM library; this is the little of it the recorder uses.
      const page = globalThis as unknown as RecorderWindow;
      const seen: string[] = [];
      page.rallyCardVersions = seen;
      // Inline on purpose: tsx names assigned functions through a helper that does not exist in the page.
      new page.MutationObserver(() => {
        for (const card of page.document.querySelectorAll(selector)) {
          if (!seen.includes(card.innerText)) seen.push(card.innerText);
        }
      }).observe(page.document.body, { subtree: true, childList: true, characterData: true });
    }, CARDS);
    return async () => {
      const versions = await this.page.evaluate(() => (globalThis as unknown as RecorderWindow).rallyCardVersions);
      if (!versions) throw new Error('The card recorder is gone: the page reloaded.');
      return versions;
    };
  }

  /** Saves a screenshot of the page, or of one element when given, creating the folder. */
  async screenshot(path: string, element?: Locator): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    if (element) await element.screenshot({ path });
    else await this.page.screenshot({ path });
  }

  async close(): Promise<void> {
    await this.context.close();
    await this.profileDir.remove();
  }
}

/** An activity as JSON, as the Playground's custom activity dialog shows it. */
export type ActivityJson = Record<string, unknown>;

interface RecorderWindow {
  rallyCardVersions?: string[];
  document: { body: object; querySelectorAll(selector: string): Iterable<{ innerText: string }> };
  MutationObserver: new (callback: () => void) => { observe(target: object, options: object): void };
}

export function cardButton(card: Locator, name: string): Locator {
  return card.getByRole('button', { name, exact: true });
}

export function cardTextField(card: Locator, label: string): Locator {
  return card.getByLabel(label, { exact: true });
}
