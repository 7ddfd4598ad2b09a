/**
 * Reconnect: a synced device goes offline, a person makes N edits, the device comes back online. Timed from the
 * online event until the server's changes feed shows every edited revision. Baseline from the same run: the same
 * number of edits sent as one `_bulk_docs` request (the least a push can cost).
 */
import { createHlc, createSync, manualOnlineSignal, updateDoc, type JobDoc, type SyncController, type WriteContext } from '../../sync';
import { appFetch, asLocal, asRemote, json, openLocal, openRemote, teamUrl, waitFor } from './common';

export interface ReconnectResult {
  /** Online → the server has every edit. */
  ms: number;
  /** One `_bulk_docs` of as many edits, straight to the server. */
  floorMs: number;
  edits: number;
}

type Jobs = { rows: Array<{ doc?: JobDoc }> };

async function lastSeq(team: string): Promise<string | number> {
  return (await json<{ last_seq: string | number }>(await appFetch(`${teamUrl(team)}/_changes?descending=true&limit=1`))).last_seq;
}

/** Follows the server's changes feed until it has shown every `id@rev` in `wanted`. */
async function serverHas(team: string, since: string | number, wanted: Map<string, string>): Promise<void> {
  const missing = new Map(wanted);
  let seq = since;
  while (missing.size > 0) {
    const page = await json<{ results: Array<{ id: string; changes: Array<{ rev: string }> }>; last_seq: string | number }>(
      await appFetch(`${teamUrl(team)}/_changes?feed=longpoll&style=all_docs&heartbeat=10000&since=${encodeURIComponent(String(seq))}`),
    );
    for (const change of page.results) if (change.changes.some((c) => c.rev === missing.get(change.id))) missing.delete(change.id);
    seq = page.last_seq;
  }
}

export async function runReconnect(team: string, user: string, edits: number): Promise<ReconnectResult> {
  // A fresh device that downloads through the engine, as in the app: the engine then knows which docs came from
  // the server (a device synced behind its back would re-check every one of them on its first push).
  const local = openLocal('indexeddb');
  const online = manualOnlineSignal(true);
  const url = teamUrl(team);
  const sync: SyncController = createSync({
    local: asLocal(local),
    remote: (f) => asRemote(openRemote(team, f)),
    fetch: appFetch,
    remoteId: url,
    selector: { team },
    online,
  });
  try {
    sync.start();
    await waitFor('live', () => sync.getStatus().state.name === 'live');
    online.set(false);
    await waitFor('offline', () => sync.getStatus().state.name === 'offline');

    const ctx: WriteContext = { user, role: 'field', hlc: createHlc({ deviceId: 'bench-device', now: Date.now }), now: Date.now };
    const all = (await local.allDocs({ include_docs: true, limit: 4 * edits })) as unknown as Jobs;
    const jobs = all.rows.flatMap((r) => (r.doc?.type === 'job' && r.doc.status !== 'cancelled' ? [r.doc] : [])).slice(0, 2 * edits);
    if (jobs.length < 2 * edits) throw new Error(`only ${jobs.length} jobs to edit`);
    const edit = (doc: JobDoc) => updateDoc(doc, { description: `${doc.description ?? ''} Checked again on ${new Date().toISOString()}.` }, ctx);

    const offline = jobs.slice(0, edits).map(edit);
    const written = await local.bulkDocs(offline);
    const wanted = new Map(written.map((r) => [r.id ?? '', r.rev ?? '']));
    const since = await lastSeq(team);
    const t = performance.now();
    online.set(true);
    await serverHas(team, since, wanted);
    const ms = performance.now() - t;

    // The floor: as many edits in one request, no replication protocol around it.
    const direct = jobs.slice(edits).map(edit);
    const f = performance.now();
    const results = await json<Array<{ error?: string }>>(await appFetch(`${url}/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: direct }) }));
    const floorMs = performance.now() - f;
    const refused = results.filter((r) => r.error).length;
    if (refused) throw new Error(`${refused} direct edits were refused`);
    return { ms, floorMs, edits };
  } finally {
    await sync.stopAndSettle();
    await local.close();
  }
}
