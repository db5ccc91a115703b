// Each language's messages: one catalog per language, in a folder of its own, kept in one file per part of Rally
// (cards, the calling domain's sentences, chat lines, command words, the doctor, the spoken prompt) so that each part's
// words sit together. They are imported here by name, so a language tag never reaches a file path; a catalog that
// lacks one of the English keys does not compile.
import enCards from './catalogs/en/cards.json' with { type: 'json' };
import frCards from './catalogs/fr/cards.json' with { type: 'json' };
import deCards from './catalogs/de/cards.json' with { type: 'json' };
import esCards from './catalogs/es/cards.json' with { type: 'json' };
import ptBRCards from './catalogs/pt-BR/cards.json' with { type: 'json' };
import jaCards from './catalogs/ja/cards.json' with { type: 'json' };
import zhHansCards from './catalogs/zh-Hans/cards.json' with { type: 'json' };
import enCalling from './catalogs/en/calling.json' with { type: 'json' };
import frCalling from './catalogs/fr/calling.json' with { type: 'json' };
import deCalling from './catalogs/de/calling.json' with { type: 'json' };
import esCalling from './catalogs/es/calling.json' with { type: 'json' };
import ptBRCalling from './catalogs/pt-BR/calling.json' with { type: 'json' };
import jaCalling from './catalogs/ja/calling.json' with { type: 'json' };
import zhHansCalling from './catalogs/zh-Hans/calling.json' with { type: 'json' };
import enChat from './catalogs/en/chat.json' with { type: 'json' };
import frChat from './catalogs/fr/chat.json' with { type: 'json' };
import deChat from './catalogs/de/chat.json' with { type: 'json' };
import esChat from './catalogs/es/chat.json' with { type: 'json' };
import ptBRChat from './catalogs/pt-BR/chat.json' with { type: 'json' };
import jaChat from './catalogs/ja/chat.json' with { type: 'json' };
import zhHansChat from './catalogs/zh-Hans/chat.json' with { type: 'json' };
import enCommands from './catalogs/en/commands.json' with { type: 'json' };
import frCommands from './catalogs/fr/commands.json' with { type: 'json' };
import deCommands from './catalogs/de/commands.json' with { type: 'json' };
import esCommands from './catalogs/es/commands.json' with { type: 'json' };
import ptBRCommands from './catalogs/pt-BR/commands.json' with { type: 'json' };
import jaCommands from './catalogs/ja/commands.json' with { type: 'json' };
import zhHansCommands from './catalogs/zh-Hans/commands.json' with { type: 'json' };
import enDoctor from './catalogs/en/doctor.json' with { type: 'json' };
import frDoctor from './catalogs/fr/doctor.json' with { type: 'json' };
import deDoctor from './catalogs/de/doctor.json' with { type: 'json' };
import esDoctor from './catalogs/es/doctor.json' with { type: 'json' };
import ptBRDoctor from './catalogs/pt-BR/doctor.json' with { type: 'json' };
import jaDoctor from './catalogs/ja/doctor.json' with { type: 'json' };
import zhHansDoctor from './catalogs/zh-Hans/doctor.json' with { type: 'json' };
import enPrompt from './catalogs/en/prompt.json' with { type: 'json' };
import frPrompt from './catalogs/fr/prompt.json' with { type: 'json' };
import dePrompt from './catalogs/de/prompt.json' with { type: 'json' };
import esPrompt from './catalogs/es/prompt.json' with { type: 'json' };
import ptBRPrompt from './catalogs/pt-BR/prompt.json' with { type: 'json' };
import jaPrompt from './catalogs/ja/prompt.json' with { type: 'json' };
import zhHansPrompt from './catalogs/zh-Hans/prompt.json' with { type: 'json' };
import type { Language } from './languages.js';

const en = { ...enCards, ...enCalling, ...enChat, ...enCommands, ...enDoctor, ...enPrompt };

/** A message's name, as the English catalog spells it. */
export type MessageKey = keyof typeof en;

/** Every message of one language, in ICU MessageFormat. */
export type Catalog = Readonly<Record<MessageKey, string>>;

/** One language's parts, by the file each came from (the test checks that no key is in two of them). */
export const CATALOG_PARTS: Readonly<Record<Language, readonly Readonly<Record<string, string>>[]>> = {
  en: [enCards, enCalling, enChat, enCommands, enDoctor, enPrompt],
  fr: [frCards, frCalling, frChat, frCommands, frDoctor, frPrompt],
  de: [deCards, deCalling, deChat, deCommands, deDoctor, dePrompt],
  es: [esCards, esCalling, esChat, esCommands, esDoctor, esPrompt],
  'pt-BR': [ptBRCards, ptBRCalling, ptBRChat, ptBRCommands, ptBRDoctor, ptBRPrompt],
  ja: [jaCards, jaCalling, jaChat, jaCommands, jaDoctor, jaPrompt],
  'zh-Hans': [zhHansCards, zhHansCalling, zhHansChat, zhHansCommands, zhHansDoctor, zhHansPrompt],
};

export const CATALOGS: Readonly<Record<Language, Catalog>> = {
  en,
  fr: { ...frCards, ...frCalling, ...frChat, ...frCommands, ...frDoctor, ...frPrompt },
  de: { ...deCards, ...deCalling, ...deChat, ...deCommands, ...deDoctor, ...dePrompt },
  es: { ...esCards, ...esCalling, ...esChat, ...esCommands, ...esDoctor, ...esPrompt },
  'pt-BR': { ...ptBRCards, ...ptBRCalling, ...ptBRChat, ...ptBRCommands, ...ptBRDoctor, ...ptBRPrompt },
  ja: { ...jaCards, ...jaCalling, ...jaChat, ...jaCommands, ...jaDoctor, ...jaPrompt },
  'zh-Hans': { ...zhHansCards, ...zhHansCalling, ...zhHansChat, ...zhHansCommands, ...zhHansDoctor, ...zhHansPrompt },
};
