// The person's language in a real browser: a French person's Teams client, played by the Agents Playground in a
// Chromium set to French and Paris time (which is how the card's {{DATE()}} and {{TIME()}} read). The Playground
// itself writes locale en-US into every activity it makes, typed messages and card actions alike, and its config file
// has no language, so the French message goes through its Custom activity dialog with `locale` and the `clientInfo`
// entity saying fr-FR, as Teams sends them. The card's Hang up is then pressed as usual, an en-US invoke: the card
// keeps the language it was posted in.
import assert from 'node:assert/strict';
import { PLAYGROUND_CURRENT_USER } from '../../src/localMode/playgroundConfig.js';
import { cardButton, cardTextField, PlaygroundPage } from './browser.js';
import { startLocalStack } from './localStack.js';
import type { LocalStack } from './localStack.js';

const SCREENSHOTS = 'test-output/e2e';
const FRENCH = { locale: 'fr-FR', timeZone: 'Europe/Paris' };
const ME = PLAYGROUND_CURRENT_USER.name;

/** What the same card says in English where the French card says its own words. */
const ENGLISH = /\b(Call with|Group call|Connected|Joined|Mute|Remove|Placed by|Add people|Invite|Hang up|Refresh|Ended|ended|Lasted|hung up by|Was there)\b/;

describe('Rally in French in the Agents Playground (browser)', function () {
  this.timeout(60_000);

  let stack: LocalStack;
  let chat: PlaygroundPage;

  before(async function () {
    stack = await startLocalStack();
    chat = await PlaygroundPage.open(stack.playground.url, { locale: FRENCH.locale, timezoneId: FRENCH.timeZone });
  });

  after(async function () {
    await chat?.close();
    await stack?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await chat?.screenshot(`${SCREENSHOTS}/failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`);
  });

  /** Says `text` as a French person's Teams client sends it. */
  const sayInFrench = (text: string) =>
    chat.sendCustomActivity((template) => ({
      ...template,
      type: 'message',
      text,
      from: { ...(template.from as object), name: ME },
      locale: FRENCH.locale,
      entities: [{ type: 'clientInfo', locale: FRENCH.locale, country: 'FR', platform: 'Web', timezone: FRENCH.timeZone }],
    }));

  it('shows a French group call card, answers in French, and keeps the card French when its Raccrocher button ends the call', async function () {
    // Found by its title, which it keeps while it is updated: the Playground's own welcome (the help card it gets on
    // installing Rally) may land while the dialog is open, so counting cards would not say which is new.
    await sayInFrench('appeler adelev@contoso.com alexw@contoso.com');
    const card = chat.cards().filter({ hasText: 'Appel avec Adele Vance, Alex Wilber' });
    await card.getByText('Appel avec Adele Vance, Alex Wilber', { exact: true }).waitFor();
    await card.getByText(/^#\d+ · Appel de groupe$/).waitFor();
    await card.getByText('Connecté', { exact: true }).waitFor();
    await card.getByText('A rejoint', { exact: true }).nth(1).waitFor();
    await card.getByText(new RegExp(`^Appel lancé par ${ME} · `)).waitFor();
    assert.equal(await cardButton(card, 'Couper le micro').count(), 2, 'Mute beside each person, in French');
    assert.equal(await cardButton(card, 'Retirer').count(), 2, 'Remove beside each person, in French');
    for (const button of ['Inviter', 'Raccrocher', 'Actualiser']) assert.equal(await cardButton(card, button).count(), 1, `the card's ${button} button`);
    assert.equal(await cardTextField(card, 'Ajouter des personnes : e-mails ou numéros de téléphone').count(), 1, 'the people field, labelled in French');
    const live = await card.innerText();
    assert.doesNotMatch(live, ENGLISH, live);
    // The README's French card (docs/french-card.png is a copy of this one).
    await chat.screenshot(`${SCREENSHOTS}/french-card.png`, card);

    // A chat line, in the French command word for `calls`: where the call stands, in French.
    await sayInFrench('appels');
    await chat.botMessage(/#\d+ : appel, en cours, Adele Vance \(a rejoint\), Alex Wilber \(a rejoint\)/).waitFor();

    await cardButton(card, 'Raccrocher').click();
    await card.getByText('Terminé', { exact: true }).waitFor();
    await card.getByText(new RegExp(`^Durée : .+ · raccroché par ${ME}$`)).waitFor();
    await card.getByText(/^A rejoint \(.+\)$/).nth(1).waitFor();
    assert.equal(await cardButton(card, 'Raccrocher').count(), 0, 'an ended call offers no Raccrocher button');
    const ended = await card.innerText();
    assert.doesNotMatch(ended, ENGLISH, ended);
    await chat.screenshot(`${SCREENSHOTS}/french-card-ended.png`, card);
  });
});
