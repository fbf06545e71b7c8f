// The core writes SQL with SQLite's placeholders (`?` in order, or `@name`); PostgreSQL numbers them ($1, $2…).
// Quoted text and identifiers are left alone.

export interface NumberedSql {
  text: string;
  /** For `@name` placeholders: the name bound to $1, $2…; null for `?` placeholders. */
  names: string[] | null;
}

const cache = new Map<string, NumberedSql>();

export function numberPlaceholders(sql: string): NumberedSql {
  let numbered = cache.get(sql);
  if (!numbered) cache.set(sql, (numbered = translate(sql)));
  return numbered;
}

function translate(sql: string): NumberedSql {
  let text = '';
  let positional = 0;
  const names: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      text += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      text += c;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end - 1;
    } else if (c === '?') {
      text += `$${++positional}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i += name.length;
    } else {
      text += c;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error('SQL mixes ? and @name placeholders');
  return { text, names: names.length > 0 ? names : null };
}
