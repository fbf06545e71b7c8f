// Which database this paydesk works on, as the sidebar and Settings show it: asked again when the data changes
// (a switch tells every table), and every few seconds on a team database, where asking is also the retry that
// notices the server came back.
import { useEffect, useState } from 'react';
import type { DatabaseInfo, TeamStatus } from '../../../../shared/api.js';
import { api } from '../../api.js';

const POLL_MS = 5000;

export function useTeamStatus(): TeamStatus | null {
  const [status, setStatus] = useState<TeamStatus | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => api.on('data:changed', () => setAsked((n) => n + 1)), []);
  useEffect(() => {
    let live = true;
    api['team:status']({}).then(
      (s) => live && setStatus(s),
      () => {}, // the sidebar keeps what it showed
    );
    return () => {
      live = false;
    };
  }, [asked]);
  const team = status?.database.kind === 'team';
  useEffect(() => {
    if (!team) return;
    const timer = setInterval(() => setAsked((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [team]);
  return status;
}

/** "This computer", or a team database as "host:port/dbname" (its URL, already without a password, in full on hover). */
export function databaseLabel(database: DatabaseInfo): string {
  if (database.kind === 'local') return 'This computer';
  try {
    const url = new URL(database.location);
    return `${url.host || 'local socket'}${decodeURIComponent(url.pathname) || '/'}`;
  } catch {
    return database.location;
  }
}
