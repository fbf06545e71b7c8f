// Settings → Team database, remembered: the URL without its password, the password only as the keychain
// encrypted it, in a file only its owner reads; browser mode keeps no password at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionTarget,
  readTeamChoice,
  sameDatabase,
  saveTeamChoice,
  splitPassword,
  TeamConfigError,
  type Secrets,
} from '../../main/core/service/team-config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paydesk-team-config-'));
  dirs.push(dir);
  return path.join(dir, 'team-database.json');
};

/** A keychain stand-in that really transforms the text, so a plain-text leak would show. */
const fakeKeychain = (available = true): Secrets => ({
  available: () => available,
  encrypt: (text) => Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)),
  decrypt: (data) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
});

describe('the password is taken out of the URL', () => {
  it('from the user part and from libpq’s password= parameter, decoded', () => {
    expect(splitPassword('postgres://ana:p%40ss%3Aw@db.example:5432/paydesk?sslmode=require')).toEqual({
      url: 'postgres://ana@db.example:5432/paydesk?sslmode=require',
      password: 'p@ss:w',
    });
    expect(splitPassword('postgresql://ana@db.example/paydesk?password=hunter2&sslmode=verify-full')).toEqual({
      url: 'postgresql://ana@db.example/paydesk?sslmode=verify-full',
      password: 'hunter2',
    });
    expect(splitPassword('postgres://ana@db.example/paydesk')).toEqual({ url: 'postgres://ana@db.example/paydesk', password: null });
    expect(() => splitPassword('db.example/paydesk')).toThrow(TeamConfigError);
  });

  it('and put back, encoded, only to connect', () => {
    const choice = { url: 'postgres://ana@db.example/paydesk', password: 'p@ss/w:rd%' };
    const target = connectionTarget(choice);
    expect(new URL(target).password).toBe(encodeURIComponent('p@ss/w:rd%'));
    expect(splitPassword(target)).toEqual(choice);
    expect(sameDatabase(target, 'postgres://ana:other@db.example/paydesk')).toBe(true);
    expect(sameDatabase(target, 'postgres://ana@db.example/other')).toBe(false);
  });
});

describe('team-database.json', () => {
  it('holds the URL and the keychain’s ciphertext, never the password, readable by its owner only', () => {
    const file = tempFile();
    saveTeamChoice(file, { url: 'postgres://ana:leaked@db.example/paydesk', password: 'correct horse' }, fakeKeychain());
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('leaked');
    expect(JSON.parse(text)).toMatchObject({ url: 'postgres://ana@db.example/paydesk', encryptedPassword: expect.any(String) });
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readTeamChoice(file, fakeKeychain())).toEqual({ url: 'postgres://ana@db.example/paydesk', password: 'correct horse' });
  });

  it('refuses a password when there is no keychain, and writes nothing', () => {
    const file = tempFile();
    expect(() => saveTeamChoice(file, { url: 'postgres://ana@db.example/paydesk', password: 'pw' }, fakeKeychain(false))).toThrow(/keychain/);
    expect(() => saveTeamChoice(file, { url: 'postgres://ana@db.example/paydesk', password: 'pw' }, undefined)).toThrow(TeamConfigError);
    expect(fs.existsSync(file)).toBe(false);
    saveTeamChoice(file, { url: 'postgres://ana@db.example/paydesk', password: null }, undefined);
    expect(readTeamChoice(file, undefined)).toEqual({ url: 'postgres://ana@db.example/paydesk', password: null });
  });

  it('missing, unreadable or naming no team database: this computer’s database, said in one line', () => {
    const file = tempFile();
    const lines: string[] = [];
    expect(readTeamChoice(file, undefined, (l) => lines.push(l))).toBeNull();
    expect(lines).toEqual([]);
    fs.writeFileSync(file, '{not json');
    expect(readTeamChoice(file, undefined, (l) => lines.push(l))).toBeNull();
    fs.writeFileSync(file, JSON.stringify({ url: '/home/ana/paydesk.db' }));
    expect(readTeamChoice(file, undefined, (l) => lines.push(l))).toBeNull();
    expect(lines).toHaveLength(2);
    // A password someone typed into the file by hand is not used from there.
    fs.writeFileSync(file, JSON.stringify({ url: 'postgres://ana:typed@db.example/paydesk' }));
    expect(readTeamChoice(file, undefined)).toEqual({ url: 'postgres://ana@db.example/paydesk', password: null });
  });
});
