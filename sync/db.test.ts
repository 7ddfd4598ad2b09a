/** readJson: the status of a failed answer survives whatever body it has. */
import { describe, expect, it } from 'vitest';
import { HttpError, readJson } from './db';

describe('readJson', () => {
  it('returns the body of a 2xx answer', async () => {
    expect(await readJson(new Response('{"ok":true}', { status: 200 }))).toEqual({ ok: true });
  });

  it("throws CouchDB's reason with the status", async () => {
    const err = await readJson(new Response('{"error":"forbidden","reason":"team: not yours"}', { status: 403 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 403, reason: 'team: not yours' });
  });

  it('keeps the status when a proxy answers with an HTML page', async () => {
    const err = await readJson(new Response('<html><body>401 Authorization Required</body></html>', { status: 401, statusText: 'Unauthorized' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 401, reason: 'Unauthorized' });
  });
});
