import { describe, expect, it } from 'vitest';
import { formatBytes, persistedAnswer, persistResultText, readStorage, usageText } from './storage';

describe('storage facts', () => {
  it('formats sizes the way a person reads them', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GB');
  });

  it('reads what the browser offers, and says so when it offers nothing', async () => {
    const storage = { estimate: () => Promise.resolve({ usage: 5 * 1024 * 1024, quota: 100 * 1024 * 1024 }), persisted: () => Promise.resolve(false) };
    const facts = await readStorage(storage);
    expect(usageText(facts)).toBe('5.0 MB of 100 MB (5%)');
    expect(persistedAnswer(facts.persisted)).toBe('No');

    const none = await readStorage(undefined);
    expect(none).toEqual({ usage: null, quota: null, persisted: null });
    expect(usageText(none)).toMatch(/does not say/);

    const failing = await readStorage({ estimate: () => Promise.reject(new Error('SecurityError')), persisted: () => Promise.reject(new Error('x')) });
    expect(failing).toEqual({ usage: null, quota: null, persisted: null });
  });

  it('explains a refused persist with what to do next', () => {
    expect(persistResultText(false)).toMatch(/install Outpost/i);
    expect(persistResultText(true)).toMatch(/keep/);
  });
});
