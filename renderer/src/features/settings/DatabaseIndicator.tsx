// The sidebar's line about the database: this computer's or the team's (read-only when the user may only read),
// whether the team database can be reached, and whose decisions just arrived from another paydesk on it.
import { useEffect, useState } from 'react';
import type { DecisionsArrived } from '../../../../shared/api.js';
import { api } from '../../api.js';
import { databaseLabel, useTeamStatus } from './team-status.js';

/** How long "2 decisions by Ana arrived" stays after the last arrival, unless dismissed. */
const ARRIVED_MS = 20_000;

interface Arrival {
  reviewer: string | null;
  decisions: number;
}

export function arrivalWords({ reviewer, decisions }: Arrival): string {
  return `${decisions.toLocaleString('en-US')} ${decisions === 1 ? 'decision' : 'decisions'} by ${reviewer ?? 'someone'} arrived`;
}

function useArrivals(): [Arrival[], () => void] {
  const [arrivals, setArrivals] = useState<Arrival[]>([]);
  const [last, setLast] = useState(0);
  useEffect(
    () =>
      api.on('decisions:arrived', ({ reviewer, decisions }: DecisionsArrived) => {
        setArrivals((list) => {
          const same = list.find((a) => a.reviewer === reviewer);
          return same ? list.map((a) => (a === same ? { reviewer, decisions: a.decisions + decisions } : a)) : [...list, { reviewer, decisions }];
        });
        setLast(Date.now());
      }),
    [],
  );
  useEffect(() => {
    if (!last) return;
    const timer = setTimeout(() => setArrivals([]), ARRIVED_MS);
    return () => clearTimeout(timer);
  }, [last]);
  return [arrivals, () => setArrivals([])];
}

export function DatabaseIndicator() {
  const status = useTeamStatus();
  const [arrivals, dismiss] = useArrivals();
  if (!status) return null;
  const { database, readOnly, readOnlyReason, problem } = status;
  const team = database.kind === 'team';
  return (
    <div className="db-indicator" data-testid="database-indicator">
      <div className="db-line" title={database.location}>
        <span className={`db-dot ${problem ? 'down' : team ? 'team' : 'local'}`} aria-hidden="true" />
        <span className="db-name">{team ? 'Team: ' : 'This computer'}</span>
        {readOnly && (
          <span className="badge amber" title={readOnlyReason ?? undefined}>
            read-only
          </span>
        )}
        {team && <code className="db-where">{databaseLabel(database)}</code>}
      </div>
      <div role="status" className="db-news">
        {problem && (
          <p className="db-problem" title={problem}>
            Team database unreachable: retrying
          </p>
        )}
        {arrivals.length > 0 && (
          <div className="db-arrived" data-testid="decisions-arrived">
            <span>{arrivals.map(arrivalWords).join('; ')}</span>
            <button className="btn ghost small" onClick={dismiss} aria-label="Dismiss the arrived decisions">
              ×
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
