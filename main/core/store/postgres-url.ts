// A team database's URL: told apart from a file path, and shown, logged and remembered without its password,
// however libpq was given it (in the user part, or as a `password=` parameter in any case).

export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

export interface UrlAndPassword {
  /** The URL without a password. */
  url: string;
  password: string | null;
}

/** Splits the password out of a URL; throws a TypeError when the text is not a URL. */
export function splitPassword(url: string): UrlAndPassword {
  const parsed = new URL(url);
  let password: string | null = null;
  if (parsed.password) {
    password = safeDecode(parsed.password);
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (name.toLowerCase() !== 'password') continue;
    password ??= parsed.searchParams.get(name);
    parsed.searchParams.delete(name);
  }
  // new URL keeps a bare "user:@"; the URL is shown and stored, so say it as people write it.
  return { url: parsed.toString().replace(/^(postgres(?:ql)?:\/\/[^@/]*):@/i, '$1@'), password: password === '' ? null : password };
}

/** The URL to show in messages and logs: without its password, and never the text of one that cannot be read. */
export function redactUrl(url: string): string {
  try {
    return splitPassword(url).url;
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
