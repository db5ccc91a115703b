import assert from 'node:assert/strict';
import { fillManifest, ManifestTemplateError, placeholdersIn } from '../../scripts/appPackage/manifestTemplate.js';

describe('manifest template', () => {
  it('lists each placeholder once, in order of first use', () => {
    assert.deepEqual(placeholdersIn('{"a":"${{B}}","b":"${{ A }}x${{B}}"}'), ['B', 'A']);
  });

  it('fills placeholders inside strings and returns the parsed manifest', () => {
    const manifest = fillManifest('{"id":"${{ID}}","domains":["${{HOST}}"],"url":"https://${{HOST}}/"}', {
      ID: 'abc',
      HOST: 'rally.contoso.com',
    });
    assert.deepEqual(manifest, { id: 'abc', domains: ['rally.contoso.com'], url: 'https://rally.contoso.com/' });
  });

  it('escapes values so they cannot break out of their JSON string', () => {
    const manifest = fillManifest('{"name":"${{NAME}}"}', { NAME: 'a "quoted"\\ name' });
    assert.deepEqual(manifest, { name: 'a "quoted"\\ name' });
  });

  it('refuses a placeholder that nothing fills, naming it', () => {
    assert.throws(
      () => fillManifest('{"id":"${{ID}}","x":"${{TYPO}}"}', { ID: 'abc' }),
      (e: unknown) => e instanceof ManifestTemplateError && e.message.includes('${{TYPO}}') && !e.message.includes('${{ID}}'),
    );
  });

  it('refuses a template that is not JSON', () => {
    assert.throws(() => fillManifest('{"id":"${{ID}}",}', { ID: 'abc' }), ManifestTemplateError);
  });
});
