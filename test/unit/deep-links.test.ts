// paydesk:// links (shared/links.ts) and their hand-off to the running app (main/deep-link-handoff.ts, the
// composition root's handler, driven here with fakes as Electron would: argv of a second launch, open-url).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MISMATCH_KINDS } from '../../shared/domain.js';
import { hashToRoute, parsePaydeskLink, routeToHash, SCREENS, type AppRoute } from '../../shared/links.js';
import { appUrlFor, DeepLinkHandoff, linksInArgv } from '../../main/deep-link-handoff.js';
import { isAppUrl } from '../../main/hardening.js';

const hashOf = (link: string) => parsePaydeskLink(link)?.hash ?? null;

describe('parsePaydeskLink: the links it takes', () => {
  it.each([
    ['paydesk://account/acct_1', '#/account/acct_1', { screen: 'account', id: 'acct_1' }],
    ['paydesk://account/someone@example.com', '#/account/someone%40example.com', { screen: 'account', id: 'someone@example.com' }],
    ['paydesk://account/someone%40example.com', '#/account/someone%40example.com', { screen: 'account', id: 'someone@example.com' }],
    ['paydesk://account/first.last+tag@mail.example.co.uk', '#/account/first.last%2Btag%40mail.example.co.uk', { screen: 'account', id: 'first.last+tag@mail.example.co.uk' }],
    ['paydesk://account/pi_3Nf0aBCdEfGh', '#/account/pi_3Nf0aBCdEfGh', { screen: 'account', id: 'pi_3Nf0aBCdEfGh' }],
    ['paydesk://payment/pay_123', '#/payment/pay_123', { screen: 'payment', id: 'pay_123' }],
    ['paydesk://payment/ch-9.1', '#/payment/ch-9.1', { screen: 'payment', id: 'ch-9.1' }],
    ['paydesk://stuck', '#/stuck', { screen: 'stuck', decision: null }],
    ['paydesk://duplicates?decision=open', '#/duplicates?decision=open', { screen: 'duplicates', decision: 'open' }],
    ['paydesk://limited?decision=decided', '#/limited?decision=decided', { screen: 'limited', decision: 'decided' }],
    ['paydesk://mismatches', '#/mismatches', { screen: 'mismatches', decision: null, kind: null }],
    ['paydesk://mismatches?kind=credited_twice', '#/mismatches?kind=credited_twice', { screen: 'mismatches', decision: null, kind: 'credited_twice' }],
    ['paydesk://mismatches?kind=refund_not_reversed&decision=open', '#/mismatches?decision=open&kind=refund_not_reversed', { screen: 'mismatches', decision: 'open', kind: 'refund_not_reversed' }],
    ['paydesk://followups', '#/followups', { screen: 'followups' }],
  ])('%s → %s', (link, hash, route) => {
    expect(parsePaydeskLink(link)).toEqual({ route, hash });
  });

  it('reads the scheme and host in any case, keeps the id as written, and takes the one trailing slash Windows adds', () => {
    expect(hashOf('PAYDESK://Account/Acct_1')).toBe('#/account/Acct_1');
    expect(hashOf('paydesk://account/acct_1/')).toBe('#/account/acct_1');
    expect(hashOf('paydesk://stuck/')).toBe('#/stuck');
    expect(hashOf('paydesk://duplicates/?decision=open')).toBe('#/duplicates?decision=open');
  });

  it('every mismatch kind is a filter', () => {
    for (const kind of MISMATCH_KINDS) expect(hashOf(`paydesk://mismatches?kind=${kind}`)).toBe(`#/mismatches?kind=${kind}`);
  });

  it('takes ids up to 254 characters', () => {
    const id = 'a'.repeat(254);
    expect(hashOf(`paydesk://account/${id}`)).toBe(`#/account/${id}`);
    expect(parsePaydeskLink(`paydesk://account/${id}a`)).toBeNull();
  });
});

describe('parsePaydeskLink: everything else is null', () => {
  const refused = [
    // not ours
    '', 'paydesk:', 'paydesk://', 'paydesk:/account/acct_1', 'paydesk:account/acct_1', 'paydesk:///account/acct_1',
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'javascript://account/%0aalert(1)', 'file:///etc/passwd', 'file://account/acct_1',
    'http://account/acct_1', 'https://example.com/?paydesk://account/acct_1', 'app://paydesk/index.html', 'data:text/html,<script>',
    'vbscript:msgbox(1)', 'paydesks://account/acct_1', 'paydesk-evil://account/acct_1', ' paydesk://account/acct_1', 'xpaydesk://account/acct_1',
    // unknown hosts and screens
    'paydesk://settings', 'paydesk://sync', 'paydesk://evil.example.com/account/acct_1', 'paydesk://accounts/acct_1', 'paydesk://admin',
    'paydesk://account.evil/acct_1', 'paydesk://localhost/account/acct_1', 'paydesk://127.0.0.1/x', 'paydesk://__proto__', 'paydesk://constructor',
    // userinfo, ports, fragments
    'paydesk://user@account/acct_1', 'paydesk://user:pass@account/acct_1', 'paydesk://account:80/acct_1', 'paydesk://account/acct_1#x',
    'paydesk://stuck#/settings', 'paydesk://account/acct_1?x=1',
    // missing or extra segments
    'paydesk://account', 'paydesk://account/', 'paydesk://payment', 'paydesk://payment/', 'paydesk://account//acct_1', 'paydesk://account/acct_1//',
    'paydesk://account/acct_1/extra', 'paydesk://stuck/acct_1', 'paydesk://duplicates/x?decision=open',
    // dot segments and traversal
    'paydesk://account/..', 'paydesk://account/.', 'paydesk://account/../../etc', 'paydesk://account/../../etc/passwd', 'paydesk://account/..%2F..%2Fetc',
    'paydesk://account/%2E%2E', 'paydesk://account/%2e%2e%2fetc', 'paydesk://account/.hidden', 'paydesk://account/a..b', 'paydesk://account/acct.',
    'paydesk://account/..\\..\\windows', 'paydesk://account/%5C..%5Cwindows',
    // encoded separators, double encoding, bad escapes
    'paydesk://account/a%2Fb', 'paydesk://account/a%2fb', 'paydesk://account/a%5Cb', 'paydesk://account/a%252Fb', 'paydesk://account/%25',
    'paydesk://account/a%3Fb', 'paydesk://account/a%23b', 'paydesk://account/a%', 'paydesk://account/a%2', 'paydesk://account/a%zz', 'paydesk://account/%E0%A4%A',
    'paydesk://account/%C0%AE%C0%AE', 'paydesk://account/%EF%BC%8E%EF%BC%8E', 'paydesk://account/caf%C3%A9',
    // control characters, spaces, quotes, markup
    'paydesk://account/acct_1\n', 'paydesk://account/acct\u00001', 'paydesk://account/a%00b', 'paydesk://account/a%0Ab', 'paydesk://account/a%0d%0aSet-Cookie:x',
    'paydesk://account/a%7Fb', 'paydesk://account/a%C2%85b', 'paydesk://account/a%E2%80%A8b', 'paydesk://account/a b', 'paydesk://account/a%20b',
    'paydesk://account/a"b', "paydesk://account/a'b", 'paydesk://account/<script>alert(1)</script>', 'paydesk://account/%3Cscript%3E', 'paydesk://account/a`b',
    'paydesk://account/a\tb', 'paydesk://account/\u202eacct', 'paydesk://account/acct\u00e9', 'paydesk://аccount/acct_1', 'paydesk://account/a;b', 'paydesk://account/a,b',
    // query words outside the vocabulary
    'paydesk://stuck?', 'paydesk://stuck?decision', 'paydesk://stuck?decision=', 'paydesk://stuck?decision=all', 'paydesk://stuck?decision=OPEN',
    'paydesk://stuck?decision=open&decision=decided', 'paydesk://stuck?kind=credited_twice', 'paydesk://followups?decision=open', 'paydesk://stuck?decision=open&',
    'paydesk://mismatches?kind=unknown', 'paydesk://mismatches?kind=credited%5Ftwice', 'paydesk://stuck?__proto__=x', 'paydesk://stuck?constructor=x',
    'paydesk://stuck?decision=open?x', 'paydesk://stuck?decision=open;x', 'paydesk://stuck??decision=open', 'paydesk://stuck?redirect=javascript:alert(1)',
    // over-long
    `paydesk://account/${'a'.repeat(255)}`, `paydesk://account/${'%41'.repeat(100)}`, `paydesk://stuck?decision=open${'&decision=open'.repeat(40)}`,
  ];

  it.each(refused)('%j', (link) => {
    expect(parsePaydeskLink(link)).toBeNull();
  });

  it('is null for anything that is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['paydesk://stuck'], { toString: () => 'paydesk://stuck' }]) expect(parsePaydeskLink(value)).toBeNull();
  });

  it('decodes once: an id that is still escaped after one decoding is refused, never decoded again', () => {
    expect(hashOf('paydesk://account/a%2540b')).toBeNull(); // %25 40 → "%40", a leftover escape
    expect(hashOf('paydesk://account/a%40b')).toBe('#/account/a%40b');
  });

  it('never yields a hash other than one of the routes, whatever the input (property)', () => {
    const routeShape = /^#\/(account|payment)\/[A-Za-z0-9_.%-]+$|^#\/(stuck|duplicates|limited|mismatches|followups)(\?[a-z_=&]+)?$/;
    const pieces = fc.constantFrom('paydesk://', 'account', 'payment', 'stuck', 'mismatches', '/', '..', '.', '%2F', '%2E', '%25', '%', '?', '&', '=', '#',
      'decision', 'open', 'kind', 'credited_twice', '@', 'a', '1', '\\', '\n', ' ', ':', 'javascript:');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), fc.string(), (parts, tail) => {
        const target = parsePaydeskLink(parts.join('') + (tail.length % 2 ? tail : ''));
        if (target === null) return;
        expect(target.hash).toMatch(routeShape);
        expect(hashToRoute(target.hash)).toEqual(target.route);
        if ('id' in target.route && target.route.id !== null) expect(target.route.id).toMatch(/^[A-Za-z0-9_@+.-]+$/);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('routeToHash and hashToRoute', () => {
  const routes: AppRoute[] = [
    { screen: 'sync' },
    { screen: 'settings' },
    { screen: 'followups' },
    { screen: 'account', id: null },
    { screen: 'account', id: 'acct_1' },
    { screen: 'account', id: 'someone@example.com' },
    { screen: 'account', id: 'an id/with ?odd #characters & ünïcode' },
    { screen: 'payment', id: 'pay_1' },
    { screen: 'stuck', decision: null },
    { screen: 'duplicates', decision: 'open' },
    { screen: 'limited', decision: 'decided' },
    { screen: 'mismatches', decision: null, kind: null },
    { screen: 'mismatches', decision: 'open', kind: 'amount_differs' },
  ];

  it.each(routes.map((r) => [routeToHash(r), r]))('%s round-trips', (hash, route) => {
    expect(hashToRoute(hash)).toEqual(route);
  });

  it('gives every screen of the sidebar a hash the renderer reads today (#/<screen>[/<id>])', () => {
    expect(SCREENS.map((screen) => routeToHash((hashToRoute(`#/${screen}`) ?? { screen: 'sync' }) as AppRoute))).toEqual(SCREENS.map((s) => `#/${s}`));
    expect(routeToHash({ screen: 'account', id: 'a b/c' })).toBe('#/account/a%20b%2Fc');
  });

  it('takes query words in any order, and nothing outside the vocabulary', () => {
    expect(hashToRoute('#/mismatches?kind=credited_twice&decision=decided')).toEqual({ screen: 'mismatches', decision: 'decided', kind: 'credited_twice' });
    for (const hash of [
      '', '#', '#/', '/stuck', 'stuck', '#stuck', '#/nowhere', '#/Stuck', '#/stuck/', '#/stuck/x', '#/sync?x=1', '#/settings/x', '#/followups?decision=open',
      '#/stuck?decision=maybe', '#/stuck?kind=credited_twice', '#/duplicates?decision=open&decision=open', '#/payment', '#/payment/', '#/account/',
      '#/account/%', '#/account/%E0%A4%A', '#/account/a%0Ab', '#/account/a%00', '#/account/%20', '#/account/a?x=1', '#/account/a/b', '#token=abc',
      '#/account/' + 'a'.repeat(501), '#/stuck#/settings', null, undefined, 3,
    ]) {
      expect(hashToRoute(hash), String(hash)).toBeNull();
    }
  });
});

describe('the hand-off to the running app (deep-link-handoff.ts)', () => {
  function handoff() {
    const lines: string[] = [];
    const shown: AppRoute[] = [];
    const links = new DeepLinkHandoff((line) => lines.push(line));
    return { links, lines, shown, attach: () => links.attach((route) => shown.push(route)) };
  }

  it('finds the links in a command line (Windows and Linux put the link there; Chromium adds its switches)', () => {
    expect(linksInArgv(['C:\\paydesk\\paydesk.exe', '--allow-file-access-from-files', 'PayDesk://account/acct_1', 'paydesk://stuck'])).toEqual([
      'PayDesk://account/acct_1',
      'paydesk://stuck',
    ]);
    expect(linksInArgv(['/usr/bin/paydesk', '--no-sandbox', '.', 'paydesk', 'https://paydesk/'])).toEqual([]);
  });

  it('a second launch with a link navigates the first instance’s window to its route', () => {
    const { links, lines, shown, attach } = handoff();
    expect(attach()).toBeNull();
    expect(links.openFromArgv(['/opt/paydesk/paydesk', '--enable-features=x', 'paydesk://account/someone%40example.com'])).toEqual({ screen: 'account', id: 'someone@example.com' });
    expect(shown).toEqual([{ screen: 'account', id: 'someone@example.com' }]);
    expect(lines).toEqual([]);
  });

  it('a second launch without a link only brings the window forward: nothing navigated, nothing logged', () => {
    const { links, lines, shown, attach } = handoff();
    attach();
    expect(links.openFromArgv(['/opt/paydesk/paydesk', '--some-switch'])).toBeNull();
    expect(shown).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('a malicious link is ignored with one log line, quoted so that it cannot forge log lines', () => {
    const { links, lines, shown, attach } = handoff();
    attach();
    for (const link of ['paydesk://account/../../etc', 'paydesk://evil/x', 'paydesk://account/a%2Fb\nFAKE LOG LINE']) expect(links.openFromArgv(['paydesk', link])).toBeNull();
    expect(links.open('javascript:alert(1)')).toBeNull();
    expect(links.open('file:///etc/passwd')).toBeNull();
    expect(links.open(`paydesk://account/${'x'.repeat(5000)}`)).toBeNull();
    expect(shown).toEqual([]);
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).toMatch(/^ignored a link that is not a paydesk link to an account, a payment or a list: ".*"$/);
      expect(line).not.toContain('\n');
      expect(line.length).toBeLessThan(250);
    }
    expect(lines[0]).toContain('"paydesk://account/../../etc"');
    expect(lines[2]).toContain('\\nFAKE LOG LINE');
  });

  it('of several links in one command line, the last good one wins and each bad one is logged', () => {
    const { links, lines, shown, attach } = handoff();
    attach();
    links.openFromArgv(['paydesk://stuck', 'paydesk://account/..', 'paydesk://duplicates?decision=open', 'paydesk://x']);
    expect(shown).toEqual([{ screen: 'duplicates', decision: 'open' }]);
    expect(lines).toHaveLength(2);
  });

  it('macOS open-url goes the same way', () => {
    const { links, shown, attach } = handoff();
    attach();
    expect(links.open('paydesk://payment/pay_9')).toEqual({ screen: 'payment', id: 'pay_9' });
    expect(shown).toEqual([{ screen: 'payment', id: 'pay_9' }]);
  });

  it('a link that launches the app waits for the window, which opens on it', () => {
    const { links, shown, attach } = handoff();
    links.openFromArgv(['/opt/paydesk/paydesk', 'paydesk://mismatches?kind=credited_twice']); // the first instance's own argv, before ready
    links.open('paydesk://account/..'); // a bad one later does not replace it
    expect(attach()).toEqual({ screen: 'mismatches', decision: null, kind: 'credited_twice' });
    expect(shown).toEqual([]);
    expect(attach()).toBeNull(); // taken once
  });

  it('the window loads only the app’s own page, the route in its fragment', () => {
    expect(appUrlFor(null)).toBe('app://paydesk/index.html');
    expect(appUrlFor({ screen: 'account', id: 'a@b.example' })).toBe('app://paydesk/index.html#/account/a%40b.example');
    for (const link of ['paydesk://account/acct_1', 'paydesk://stuck?decision=open', 'paydesk://mismatches?kind=unknown_payment&decision=decided']) {
      const url = appUrlFor(parsePaydeskLink(link)!.route);
      expect(isAppUrl(url), url).toBe(true);
      expect(new URL(url).pathname).toBe('/index.html');
    }
  });
});

describe('the composition root wires links, and nothing else, to the window (main/index.ts, read as text: no Electron here)', () => {
  const root = path.resolve(__dirname, '..', '..');
  const source = fs.readFileSync(path.join(root, 'main/index.ts'), 'utf8');
  const ready = source.indexOf('app.whenReady()');

  it('macOS open-url: registered before ready (a link may launch the app), default prevented, handed to the parser', () => {
    const handler = /app\.on\('open-url', \(event, url\) => \{([\s\S]*?)\n\}\);/.exec(source);
    expect(handler).not.toBeNull();
    expect(handler!.index).toBeLessThan(ready);
    expect(handler![1]).toMatch(/event\.preventDefault\(\);/);
    expect(handler![1]).toMatch(/links\.open\(url\);/);
  });

  it('the first instance reads its own command line; the scheme is registered; the window opens on the route that waited', () => {
    expect(source).toMatch(/if \(isPrimaryInstance\) links\.openFromArgv\(process\.argv\);/);
    expect(source.indexOf('links.openFromArgv(process.argv)')).toBeLessThan(ready);
    expect(source).toMatch(/app\.setAsDefaultProtocolClient\(LINK_SCHEME\)/);
    expect(source).toMatch(/openWindow\(links\.attach\(show\)\)/);
  });

  it('no page script is ever run from the main process', () => {
    for (const file of fs.readdirSync(path.join(root, 'main')).filter((f) => f.endsWith('.ts'))) {
      expect(fs.readFileSync(path.join(root, 'main', file), 'utf8'), file).not.toMatch(/executeJavaScript|insertCSS|webFrame/);
    }
  });

  it('the installers register the scheme', () => {
    expect(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')).toMatch(/\nprotocols:\n {2}- name: [^\n]+\n {4}schemes: \[paydesk\]\n/);
  });
});
