import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { MANIFEST_DIR } from '../../scripts/appPackage/appPackage.js';

// Teams' rules for app icons: a full-colour 192x192 icon, and a 32x32 outline icon that is white on transparent.

function icon(name: string): PNG {
  return PNG.sync.read(readFileSync(path.join(MANIFEST_DIR, name)));
}

function pixels(png: PNG): { r: number; g: number; b: number; a: number }[] {
  const all = [];
  for (let i = 0; i < png.data.length; i += 4) {
    all.push({ r: png.data[i]!, g: png.data[i + 1]!, b: png.data[i + 2]!, a: png.data[i + 3]! });
  }
  return all;
}

describe('Teams app icons', () => {
  it('has a 192x192 colour icon that is opaque and not a single colour', () => {
    const color = icon('color.png');
    assert.deepEqual([color.width, color.height], [192, 192]);
    const all = pixels(color);
    assert.ok(all.every((p) => p.a === 255), 'the colour icon has no transparent pixels');
    assert.ok(new Set(all.map((p) => `${p.r},${p.g},${p.b}`)).size > 1, 'the colour icon shows something');
  });

  it('has a 32x32 outline icon drawn only in white on a transparent background', () => {
    const outline = icon('outline.png');
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    const all = pixels(outline);
    const drawn = all.filter((p) => p.a > 0);
    assert.ok(drawn.every((p) => p.r === 255 && p.g === 255 && p.b === 255), 'every visible pixel is white');
    assert.ok(drawn.length > 0, 'the outline icon shows something');
    assert.ok(all.length - drawn.length > all.length / 2, 'most of the outline icon is transparent');
    assert.equal(all[0]!.a, 0, 'the corner is transparent');
  });
});
