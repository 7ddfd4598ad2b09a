import { describe, expect, it } from 'vitest';
import { addNote, createJob, setStatus, type JobDoc } from '../../sync';
import type { AppDb } from '../device/db';
import { isQuotaExceeded } from '../device/db';
import { saveEdit, saveNew, SaveError } from './save';
import { testWriter as writer, useLocalDbs } from './testing/local-dbs';

const open = useLocalDbs<AppDb>('save');

describe('saving edits on the device', () => {
  it('applies an edit again to a revision written in between, so both changes are kept', async () => {
    const db = open();
    const lead = writer('lena', 'lead');
    const job = await saveNew(db, createJob({ team: 'north', title: 'Pump' }, lead));
    const ana = writer('ana');
    let raced = false;
    const saved = await saveEdit<JobDoc>(db, job._id, (current) => {
      if (!raced) {
        raced = true;
        // The sync stores someone else's note while this edit is being made.
        void db.put(addNote(current, 'from the server', lead));
      }
      return setStatus(current, 'en_route', ana);
    });
    // Let the racing write land; the retry happened on top of it.
    const stored = (await db.get(job._id)) as JobDoc;
    expect(stored._rev).toBe(saved._rev);
    expect(stored.status).toBe('en_route');
    expect(stored.notes.map((note) => note.text)).toEqual(['from the server']);
  });

  it('turns a refused edit into a sentence and stores nothing', async () => {
    const db = open();
    const job = await saveNew(db, createJob({ team: 'north', title: 'Pump' }, writer('lena', 'lead')));
    const error = await saveEdit<JobDoc>(db, job._id, (j) => setStatus(j, 'cancelled', writer('ana'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as SaveError).kind).toBe('refused');
    expect(((await db.get(job._id)) as JobDoc).status).toBe('open');
  });

  it('says the job is gone when it is not on the device', async () => {
    const error = await saveEdit<JobDoc>(open(), 'job:missing', (j) => j).catch((e: unknown) => e);
    expect((error as SaveError).kind).toBe('missing');
  });

  it('recognises a full disk in the shapes browsers report it', () => {
    expect(isQuotaExceeded(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaExceeded({ status: 500, name: 'indexed_db_went_bad', reason: 'QuotaExceededError: quota reached' })).toBe(true);
    expect(isQuotaExceeded(new Error('network'))).toBe(false);
  });
});

describe('a write the storage layer aborts without saying why', () => {
  const aborted = Object.assign(new Error('Database encountered an unknown error'), { status: 500, name: 'unknown_error', reason: 'transaction was aborted' });
  const failingDb = (): AppDb => {
    const db = open();
    return Object.assign(Object.create(db) as AppDb, { put: () => Promise.reject(aborted) });
  };

  it('is "out of storage" when the browser says the device is full', async () => {
    const job = createJob({ team: 'north', title: 'Pump' }, writer('lena', 'lead'));
    const error = await saveNew(failingDb(), job, { storageIsFull: async () => true }).catch((e: unknown) => e);
    expect((error as SaveError).kind).toBe('storage-full');
    expect((error as SaveError).message).toMatch(/out of storage.*text is still here/);
  });

  it('is a plain failure with advice otherwise', async () => {
    const job = createJob({ team: 'north', title: 'Pump' }, writer('lena', 'lead'));
    const error = await saveNew(failingDb(), job, { storageIsFull: async () => false }).catch((e: unknown) => e);
    expect((error as SaveError).kind).toBe('failed');
    expect((error as SaveError).message).toMatch(/Try again/);
  });
});
