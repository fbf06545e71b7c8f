// Reads a Content-Security-Policy into directives and checks what every policy of the app must forbid.
import { expect } from 'vitest';

export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

// CSP 3's fallback lists: a directive that is not given takes the first one given after it.
const FALLBACK: Record<string, string[]> = {
  'script-src': ['default-src'],
  'object-src': ['default-src'],
  'frame-src': ['child-src', 'default-src'],
  'child-src': ['default-src'],
  'worker-src': ['child-src', 'script-src', 'default-src'],
  'manifest-src': ['default-src'],
  'media-src': ['default-src'],
  'style-src': ['default-src'],
  'connect-src': ['default-src'],
  'font-src': ['default-src'],
  'img-src': ['default-src'],
};

/** The sources a fetch directive allows, following the fallbacks; no policy at all allows everything. */
function sources(csp: Map<string, string[]>, directive: string): string[] {
  for (const name of [directive, ...(FALLBACK[directive] ?? [])]) {
    const given = csp.get(name);
    if (given) return given;
  }
  return ['*'];
}

/** No remote, inline or eval'd script; no plugins; no frames; nothing fetched from anywhere but the app itself. */
export function expectStrictCsp(policy: string): void {
  const csp = parseCsp(policy);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(sources(csp, 'script-src')).toEqual(["'self'"]);
  for (const directive of ['object-src', 'frame-src', 'child-src', 'manifest-src', 'media-src']) {
    expect(sources(csp, directive), directive).toEqual(["'none'"]);
  }
  for (const directive of ['style-src', 'connect-src', 'font-src', 'img-src', 'worker-src']) {
    for (const source of sources(csp, directive)) {
      expect(["'self'", 'data:'], `${directive} ${source}`).toContain(source);
    }
  }
  for (const directive of ['style-src', 'connect-src', 'font-src', 'worker-src']) expect(sources(csp, directive), directive).not.toContain('data:');
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('form-action')).toEqual(["'none'"]);
  const all = [...csp.values()].flat();
  for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'blob:']) {
    expect(all, loose).not.toContain(loose);
  }
}
