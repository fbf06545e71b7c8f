// A second app instance must focus the first instead of opening the database twice. Electron cannot run here,
// so this reads the composition root: the lock is taken at start-up, a second instance returns before it opens
// anything, and the first restores and focuses its window when another launch is attempted.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const source = fs.readFileSync(path.resolve(__dirname, '../../main/index.ts'), 'utf8');

describe('single instance', () => {
  it('takes the single-instance lock before the app is ready, and quits when it is not the first', () => {
    const lock = source.indexOf('app.requestSingleInstanceLock()');
    expect(lock).toBeGreaterThan(-1);
    expect(lock).toBeLessThan(source.indexOf('app.whenReady()'));
    expect(source).toMatch(/const (\w+) = app\.requestSingleInstanceLock\(\);\s*if \(!\1\) app\.quit\(\);/);
  });

  it('a second instance returns before it opens the database', () => {
    const ready = source.slice(source.indexOf('app.whenReady().then('));
    const guard = /if \(!isPrimaryInstance\) return;/.exec(ready);
    expect(guard).not.toBeNull();
    // The database is opened by the store itself or by the service host that holds the current store.
    const opensDatabase = ready.search(/\bopen(Db|Store)\(|ServiceHost\.start\(/);
    expect(opensDatabase, 'the ready callback opens the database').toBeGreaterThan(-1);
    expect(guard!.index).toBeLessThan(opensDatabase);
    expect(guard!.index).toBeLessThan(ready.indexOf('loadDemoIfEmpty('));
  });

  it('the first instance restores and focuses its window on a second launch, and takes over its paydesk link', () => {
    const handler = /app\.on\('second-instance', \((?:_event, (\w+))?\) => \{([\s\S]*?)\n\}\);/.exec(source);
    expect(handler).not.toBeNull();
    expect(handler![2]).toMatch(/\.restore\(\)/);
    expect(handler![2]).toMatch(/\.focus\(\)/);
    // the second launch's command line goes through the strict parser (test/unit/deep-links.test.ts), nothing else
    expect(handler![2]).toContain(`links.openFromArgv(${handler![1]})`);
  });
});
