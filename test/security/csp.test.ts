// The Content-Security-Policy of the renderer page: in renderer/index.html (the desktop window) and in the
// built page, which must carry it unchanged and load no inline script. Browser mode's header is checked in
// browser-mode.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStrictCsp, parseCsp } from './csp.js';

const root = path.resolve(__dirname, '..', '..');

function metaCsp(html: string): string {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((m) => m[1]);
  expect(metas).toHaveLength(1);
  return metas[0];
}

/** <script> elements with inline code (no src), and inline event handlers such as onclick=. */
function inlineScripts(html: string): string[] {
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter((m) => !/\bsrc=/.test(m[1]) || m[2].trim() !== '').map((m) => m[0]);
  const handlers = [...html.matchAll(/\son[a-z]+\s*=/gi)].map((m) => m[0]);
  return [...inline, ...handlers];
}

describe('the renderer page', () => {
  const source = fs.readFileSync(path.join(root, 'renderer', 'index.html'), 'utf8');

  it('declares a strict policy: no remote or inline script, no objects, no frames', () => {
    expectStrictCsp(metaCsp(source));
  });

  it('is built with the same policy and without inline script (run npm run build first)', () => {
    const builtFile = path.join(root, 'dist', 'renderer', 'index.html');
    expect(fs.existsSync(builtFile), `${builtFile} is missing: run npm run build`).toBe(true);
    const built = fs.readFileSync(builtFile, 'utf8');
    expect(metaCsp(built)).toBe(metaCsp(source));
    expect(inlineScripts(built)).toEqual([]);
    for (const [, src] of built.matchAll(/\b(?:src|href)="([^"]+)"/g)) expect(src, src).toMatch(/^\.\/assets\//);
  });

  it('the checker itself refuses loose policies', () => {
    for (const loose of [
      "default-src 'none'; script-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'",
      "default-src 'none'; script-src 'self' https://cdn.example; base-uri 'none'; form-action 'none'",
      "default-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'",
      "default-src 'none'; script-src 'self'; object-src *; base-uri 'none'; form-action 'none'",
      "default-src 'none'; script-src 'self'; frame-src https:; base-uri 'none'; form-action 'none'",
      "default-src 'none'; script-src 'self'",
    ]) {
      expect(() => expectStrictCsp(loose), loose).toThrow();
    }
    expect(parseCsp("default-src 'none'; img-src 'self' data:").get('img-src')).toEqual(["'self'", 'data:']);
  });
});
