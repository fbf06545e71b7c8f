// A loaded row of DataGrid: it re-renders only when its own data, position or state changed, not when another
// page arrives or the grid scrolls.
import { memo, type ReactElement } from 'react';
import type { GridColumn } from './DataGrid.js';

export const ROW_HEIGHT = 40;

/** Placeholder rows drawn by CSS, under the loaded rows; only as tall as the visible window, since it is repainted
 * on every scroll frame. */
export function RowsPlaceholder({ top, height }: { top: number; height: number }) {
  return <div className="grid-placeholder" aria-hidden="true" style={{ transform: `translateY(${top}px)`, height }} />;
}

interface DataRowProps<T, S extends string> {
  row: T;
  rowKey: string;
  /** How the row's checkbox names it to a screen reader ("Select …"). */
  rowLabel: string;
  index: number;
  top: number;
  columns: GridColumn<T, S>[];
  gridTemplate: string;
  className: string;
  active: boolean;
  selected: boolean;
  onActivate: (index: number, row: T) => void;
  /** Absent when the grid has no selection column. */
  onToggle?: (key: string) => void;
}

function DataRowBase<T, S extends string>(props: DataRowProps<T, S>) {
  const { row, rowKey, index, selected, onToggle } = props;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-key={rowKey}
      className={`grid-row${props.active ? ' active' : ''}${selected ? ' selected' : ''}${props.className ? ' ' + props.className : ''}`}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT, gridTemplateColumns: props.gridTemplate }}
      onClick={() => props.onActivate(index, row)}
    >
      {onToggle && (
        <div className="cell check" role="gridcell" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" aria-label={`Select ${props.rowLabel}`} checked={selected} onChange={() => onToggle(rowKey)} />
        </div>
      )}
      {props.columns.map((c) => (
        <div key={c.id} role="gridcell" className={`cell${c.align === 'right' ? ' right' : ''}`}>
          {c.cell(row)}
        </div>
      ))}
    </div>
  );
}

export const DataRow = memo(DataRowBase) as <T, S extends string>(props: DataRowProps<T, S>) => ReactElement;
