// A team database's URL is shown (sidebar, errors, app:info) without its password, however libpq was given it.
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../main/core/store/postgres-url.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://ana:s3cret@db.example:5432/paydesk', 'postgres://ana@db.example:5432/paydesk'],
    ['postgresql://ana:s3cret@db.example/paydesk?sslmode=verify-full', 'postgresql://ana@db.example/paydesk?sslmode=verify-full'],
    ['postgres://ana@db.example/paydesk?password=s3cret&sslmode=require', 'postgres://ana@db.example/paydesk?sslmode=require'],
    ['postgres://ana@db.example/paydesk?PASSWORD=s3cret', 'postgres://ana@db.example/paydesk'],
    ['postgres://db.example/paydesk', 'postgres://db.example/paydesk'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
    expect(redactUrl(url)).not.toContain('s3cret');
  });

  it('does not echo a URL it cannot read', () => {
    expect(redactUrl('postgres://ana:s3cret@[bad')).not.toContain('s3cret');
  });
});
