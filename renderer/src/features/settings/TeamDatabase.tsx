// Settings → Team database: a connection URL, Test connection, Use, and Back to this computer's database.
// Nothing is copied either way. The desktop app keeps the password in the OS keychain; browser mode takes none
// (PGPASSWORD or ~/.pgpass in the environment of `paydesk serve`).
import { useEffect, useRef, useState } from 'react';
import type { TeamStatus, TeamTestResult } from '../../../../shared/api.js';
import { api } from '../../api.js';
import { toast } from '../../components/ui.js';
import { databaseLabel, useTeamStatus } from './team-status.js';

type Busy = 'test' | 'use' | 'leave' | null;

export function TeamDatabase() {
  const status = useTeamStatus();
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<TeamTestResult | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const touched = useRef(false);
  useEffect(() => {
    if (status && !touched.current) setUrl(status.configuredUrl ?? '');
  }, [status]);
  if (!status) return null;

  const keychain = status.passwordFrom === 'keychain';
  const team = status.database.kind === 'team';
  const args = () => ({ url: url.trim(), ...(keychain && password ? { password } : {}) });
  const run = async (what: Exclude<Busy, null>, work: () => Promise<TeamTestResult>) => {
    setBusy(what);
    setResult(null);
    try {
      setResult(await work());
    } catch (error) {
      setResult({ ok: false, message: (error as Error).message });
    } finally {
      setBusy(null);
    }
  };
  const switched = (now: TeamStatus, message: string): TeamTestResult => {
    setPassword('');
    touched.current = false;
    toast(message);
    return { ok: true, message, readOnly: now.readOnly };
  };
  const test = () => run('test', () => api['team:test'](args()));
  const use = () =>
    run('use', async () => {
      const now = await api['team:use'](args());
      return switched(now, `Now using the team database ${databaseLabel(now.database)}${now.readOnly ? ' (read-only)' : ''}`);
    });
  const leave = () =>
    run('leave', async () => {
      const now = await api['team:leave']({});
      return switched(now, "Now using this computer's database");
    });
  const valid = /^postgres(ql)?:\/\/\S+$/i.test(url.trim());

  return (
    <section className="card team-db" aria-labelledby="team-db-head">
      <h2 className="section" id="team-db-head">
        Team database
      </h2>
      <p className="team-now" data-testid="database-in-use">
        In use:{' '}
        {team ? (
          <>
            the team database <code>{status.database.location}</code>
            {status.readOnly && <span className="badge amber">read-only</span>}
          </>
        ) : (
          <>
            this computer's database <code>{status.database.location}</code>
          </>
        )}
      </p>
      {team && status.readOnlyReason && (
        <p className="muted small" data-testid="read-only-reason">
          {status.readOnlyReason[0].toUpperCase() + status.readOnlyReason.slice(1)}.
        </p>
      )}
      {status.problem && (
        <p className="problem" role="alert">
          {status.problem}; retrying.
        </p>
      )}
      <p className="muted small">
        A PostgreSQL database the whole team works on: every paydesk connected to it sees the others' decisions within seconds.
      </p>
      <label className="stack">
        <span>Connection URL</span>
        <input
          className="input"
          value={url}
          placeholder="postgres://user@host:5432/paydesk"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            touched.current = true;
            setUrl(e.target.value);
            setResult(null);
          }}
        />
        <em>sslmode in the URL is honoured (?sslmode=require, verify-full).</em>
      </label>
      {keychain ? (
        <label className="stack">
          <span>Password</span>
          <input
            className="input"
            type="password"
            value={password}
            autoComplete="new-password"
            placeholder={status.passwordStored ? 'kept in the keychain: leave empty to keep it' : ''}
            onChange={(e) => {
              setPassword(e.target.value);
              setResult(null);
            }}
          />
          <em>Kept in this computer's keychain, never written to disk in plain text.</em>
        </label>
      ) : (
        <p className="muted small" data-testid="password-from-environment">
          Browser mode takes no password here: start <code>paydesk serve</code> with <code>PGPASSWORD</code> set, or a line in{' '}
          <code>~/.pgpass</code>
          {status.passwordStored ? ' (one is there now).' : '.'}
        </p>
      )}
      <div className="row">
        <button className="btn" disabled={!valid || busy !== null} onClick={() => void test()}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button className="btn primary" disabled={!valid || busy !== null} onClick={() => void use()}>
          {busy === 'use' ? 'Connecting…' : 'Use this database'}
        </button>
        {(team || status.configuredUrl !== null) && (
          <button className="btn" disabled={busy !== null} onClick={() => void leave()}>
            {busy === 'leave' ? 'Switching…' : "Back to this computer's database"}
          </button>
        )}
      </div>
      <p className={`team-result${result ? (result.ok ? ' ok' : ' bad') : ''}`} role="status" data-testid="team-result">
        {result && (
          <>
            <span aria-hidden="true">{result.ok ? '✓ ' : '✗ '}</span>
            {result.message}
          </>
        )}
      </p>
      <p className="muted small">
        Nothing is copied either way. To bring this computer's data into an empty team database, run{' '}
        <code className="nowrap">paydesk copy --from FILE --to URL</code>.
      </p>
    </section>
  );
}
