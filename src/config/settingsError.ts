/** A setting is missing or wrong. The message is one line naming the setting and how to fix it; it never holds a value. */
export class SettingsError extends Error {
  constructor(readonly setting: string, message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}
