import { readFileSync } from 'node:fs';
import * as ACData from 'adaptivecards-templating';

// Templates live as JSON in cards/ (one per purpose) so designers can edit them in the Adaptive Cards designer.
const cardsFolder = new URL('../../cards/', import.meta.url);

export type CardName = 'callCard' | 'helpCard' | 'pageCard';

/** An expanded Adaptive Card, ready for an attachment or an invoke response. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard' };

const templates = new Map<CardName, ACData.Template>();

function template(name: CardName): ACData.Template {
  let loaded = templates.get(name);
  if (!loaded) {
    loaded = new ACData.Template(JSON.parse(readFileSync(new URL(`${name}.json`, cardsFolder), 'utf8')));
    templates.set(name, loaded);
  }
  return loaded;
}

export function expandCard(name: CardName, data: object): AdaptiveCardJson {
  return template(name).expand({ $root: data }) as AdaptiveCardJson;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
