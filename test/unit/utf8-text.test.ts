// utf8Text decodes chunk by chunk, plain ASCII chunks by a faster path: whatever path a chunk takes, the text
// and the errors (with their line numbers) are those of a plain UTF-8 decoding.
import { describe, expect, it } from 'vitest';
import { FileError } from '../../main/core/import/file-error.js';
import { utf8Text } from '../../main/core/import/utf8-text.js';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function decodeAll(bytes: Buffer, size: number): Promise<string> {
  let text = '';
  for await (const chunk of utf8Text(chunked(bytes, size))) text += chunk.text;
  return text;
}

describe('utf8Text', () => {
  const text = 'id,email\npay_1,plain@example.com\npay_2,zoë@exämple.com\npay_3,€ and 😀\npay_4,ascii again\n';

  it.each([1, 2, 3, 7, 16, 1024])('gives the UTF-8 text whatever the chunks (%i bytes): ASCII ones and the others', async (size) => {
    expect(await decodeAll(Buffer.from(text, 'utf8'), size)).toBe(text);
  });

  it('drops a byte order mark and keeps Latin-1 bytes from passing as text', async () => {
    expect(await decodeAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n')]), 1024)).toBe('a,b\n');
    // 0xe9 is é in Latin-1 but no UTF-8 on its own: the file is not UTF-8.
    const latin1 = Buffer.from('a,b\nline two\ncaf\u00e9\n', 'latin1');
    await expect(decodeAll(latin1, 1024)).rejects.toThrow(FileError);
    await expect(decodeAll(latin1, 1024)).rejects.toMatchObject({ line: 3 });
  });

  it('rejects a NUL byte in an otherwise ASCII chunk, naming its line', async () => {
    const bytes = Buffer.from('a,b\nc,d\ne\u0000f\n', 'latin1');
    await expect(decodeAll(bytes, 1024)).rejects.toThrow(/binary data \(a NUL byte\)/);
    await expect(decodeAll(bytes, 1024)).rejects.toMatchObject({ line: 3 });
  });
});
