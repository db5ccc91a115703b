// Each language's messages, one catalog per language in a folder of its own. They are imported here by name, so a
// language tag never reaches a file path; a catalog that lacks one of the English keys does not compile.
import de from './catalogs/de/messages.json' with { type: 'json' };
import en from './catalogs/en/messages.json' with { type: 'json' };
import es from './catalogs/es/messages.json' with { type: 'json' };
import fr from './catalogs/fr/messages.json' with { type: 'json' };
import ja from './catalogs/ja/messages.json' with { type: 'json' };
import ptBR from './catalogs/pt-BR/messages.json' with { type: 'json' };
import zhHans from './catalogs/zh-Hans/messages.json' with { type: 'json' };
import type { Language } from './languages.js';

/** A message's name, as the English catalog spells it. */
export type MessageKey = keyof typeof en;

/** Every message of one language, in ICU MessageFormat. */
export type Catalog = Readonly<Record<MessageKey, string>>;

export const CATALOGS: Readonly<Record<Language, Catalog>> = { en, fr, de, es, 'pt-BR': ptBR, ja, 'zh-Hans': zhHans };
