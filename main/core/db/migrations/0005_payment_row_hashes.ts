// The hash of the CSV text each payment was read from (main/core/import/row-hash.ts), in two signed 32-bit
// halves: a newer snapshot's rows with the same hash are counted as unchanged without being read again.
// Existing payments start without one (NULL); the next import of a row with the same values fills it in.
export const sql = `
ALTER TABLE payments ADD COLUMN row_hash_hi INTEGER;
ALTER TABLE payments ADD COLUMN row_hash_lo INTEGER;
`;
