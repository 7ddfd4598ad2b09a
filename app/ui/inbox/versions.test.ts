import { describe, expect, it } from 'vitest';
import { defaultChoices, differingFields, stableJson, valueText, winnerFirst } from './versions';

const base = {
  _id: 'site:01',
  type: 'site',
  team: 'north',
  name: 'Pump station',
  geo: { lat: 1, lon: 2 },
  clock: { name: '1767225600000-0-a' },
  updatedBy: 'ana',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('inbox versions', () => {
  it('puts PouchDB’s winner first: longer history, then the greater hash', () => {
    const a = { ...base, _rev: '3-aaa' };
    const b = { ...base, _rev: '3-fff' };
    const c = { ...base, _rev: '4-000' };
    expect(winnerFirst([a, b, c]).map((v) => v._rev)).toEqual(['4-000', '3-fff', '3-aaa']);
    expect(winnerFirst([a, b]).map((v) => v._rev)).toEqual(['3-fff', '3-aaa']);
  });

  it('shows only fields that differ, ignoring key order, revisions and bookkeeping', () => {
    const mine = { ...base, _rev: '2-a', name: 'Pump station 2', geo: { lon: 2, lat: 1 }, clock: { name: '1767225600001-0-b' }, updatedBy: 'ben' };
    const theirs = { ...base, _rev: '2-b', address: 'Mill Lane 4' };
    expect(differingFields([mine, theirs])).toEqual(['address', 'name']);
    expect(stableJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe(stableJson({ a: [{ c: 2, d: 1 }], b: 1 }));
  });

  it('reads values as text, lists as one line per item', () => {
    expect(valueText(undefined)).toBe('(empty)');
    expect(valueText(3)).toBe('3');
    expect(valueText('<b>x</b>')).toBe('<b>x</b>');
    expect(valueText([{ id: '1', label: 'Isolate power', done: true }, { id: '2', label: 'Pressure', value: 3.2, unit: 'bar' }])).toBe('• Isolate power ✓\n• Pressure: 3.2 bar');
    expect(valueText({ lat: 1, lon: 2 })).toContain('"lat": 1');
  });

  it('defaults every differing field to the winner', () => {
    const ordered = winnerFirst([
      { ...base, _rev: '2-a' },
      { ...base, _rev: '2-b' },
    ]);
    expect(defaultChoices(['name', 'geo'], ordered)).toEqual({ name: '2-b', geo: '2-b' });
  });
});
