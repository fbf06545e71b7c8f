// One import's report: rejected rows with line numbers, conflicts, and for an unrecognised export the column
// mapping form, right where it says "unrecognised".
import { useEffect, useState } from 'react';
import type { ImportReportDetail } from '../../../../shared/api.js';
import { api } from '../../api.js';
import { ErrorState, LoadingState, toast } from '../../components/ui.js';

export function ImportReport({ importId }: { importId: number }) {
  const [report, setReport] = useState<ImportReportDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api['imports:report']({ importId }).then(setReport, setError);
  }, [importId]);
  if (error) return <ErrorState error={error} />;
  if (!report) return <LoadingState />;
  const { summary } = report;
  return (
    <div className="import-report" data-testid="import-report">
      <p>
        <code>{summary.path}</code>
      </p>
      {summary.reason && <p className="reason-line">{summary.status === 'rejected' ? 'Not imported: ' : ''}{summary.reason}</p>}
      {summary.status === 'unrecognised' && <MappingForm report={report} />}
      {summary.testModeRows > 0 && (
        <p className="muted" data-testid="test-mode-rows">
          {summary.testModeRows.toLocaleString()} test-mode {summary.testModeRows === 1 ? 'payment was' : 'payments were'} not imported: they moved no real money.
        </p>
      )}
      {report.errors.length > 0 && (
        <>
          <h3 className="sub">Rejected rows ({summary.rejected.toLocaleString()})</h3>
          <table className="mini">
            <thead>
              <tr>
                <th className="right">Line</th>
                <th>Reason</th>
                <th>Row</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e) => (
                <tr key={e.line}>
                  <td className="right num">{e.line}</td>
                  <td>{e.reason}</td>
                  <td>
                    <code className="raw">{e.raw}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {report.conflicts.length > 0 && (
        <>
          <h3 className="sub">Conflicts ({summary.conflicts.toLocaleString()}): ledger entries that changed since an earlier import; the stored one was kept</h3>
          <table className="mini">
            <thead>
              <tr>
                <th className="right">Line</th>
                <th>Entry</th>
                <th>Stored</th>
                <th>In this file</th>
              </tr>
            </thead>
            <tbody>
              {report.conflicts.map((c) => (
                <tr key={`${c.entryId}-${c.line}`}>
                  <td className="right num">{c.line}</td>
                  <td>
                    <code>{c.entryId}</code>
                  </td>
                  <td>
                    <code className="raw">{c.stored}</code>
                  </td>
                  <td>
                    <code className="raw">{c.incoming}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {report.errors.length === 0 && report.conflicts.length === 0 && summary.status !== 'unrecognised' && !summary.reason && <p className="muted">Every row was read.</p>}
    </div>
  );
}

function MappingForm({ report }: { report: ImportReportDetail }) {
  const [kind, setKind] = useState<'payments' | 'ledger'>('payments');
  const [fields, setFields] = useState<Record<string, string>>({});
  const header = report.header ?? [];
  const known = kind === 'payments' ? report.mappingFields.payments : report.mappingFields.ledger;
  const required = kind === 'payments' ? report.mappingFields.requiredPayments : report.mappingFields.requiredLedger;
  if (!report.header) return <p className="muted">The file cannot be read any more, so a mapping cannot be made for it here.</p>;
  const save = async () => {
    try {
      const chosen = Object.fromEntries(Object.entries(fields).filter(([, c]) => c));
      await api['mappings:save']({ importId: report.summary.importId, kind, fields: chosen });
      toast('Mapping saved: press Sync now to import the file with it');
    } catch (e) {
      toast((e as Error).message);
    }
  };
  return (
    <div className="mapping">
      <h3 className="sub">Map this export's columns</h3>
      <p className="muted small">paydesk did not recognise this header. Tell it which column holds what; the mapping is kept for every file with this header.</p>
      <div className="row">
        <label>
          This file lists{' '}
          <select className="input" value={kind} onChange={(e) => { setKind(e.target.value as 'payments' | 'ledger'); setFields({}); }}>
            <option value="payments">payments</option>
            <option value="ledger">ledger entries</option>
          </select>
        </label>
      </div>
      <div className="mapping-grid">
        {known.map((field) => (
          <label key={field}>
            <span>
              {field}
              {required.includes(field) && <span className="req">*</span>}
            </span>
            <select className="input" value={fields[field] ?? ''} onChange={(e) => setFields({ ...fields, [field]: e.target.value })}>
              <option value="">—</option>
              {header.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      <button className="btn primary" onClick={() => void save()}>
        Save mapping
      </button>
    </div>
  );
}
