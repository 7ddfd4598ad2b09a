import { describe, expect, it } from 'vitest';
import { generateSeed } from './seed';

const members = (team: string) => ({ field: `${team}-field`, lead: `${team}-lead` });

describe('generateSeed', () => {
  it('is deterministic for the same seed, ids included', () => {
    const a = generateSeed({ jobs: 50, teams: ['north', 'south'], seed: 7 }, members);
    const b = generateSeed({ jobs: 50, teams: ['north', 'south'], seed: 7 }, members);
    expect(a).toEqual(b);
    expect(generateSeed({ jobs: 50, teams: ['north', 'south'], seed: 8 }, members)).not.toEqual(a);
  });

  it('makes the requested jobs, spread over the teams, with the domain fields', () => {
    const docs = generateSeed({ jobs: 40, teams: ['north', 'south'], seed: 1 }, members);
    const jobs = docs.filter((d) => d.type === 'job');
    expect(jobs).toHaveLength(40);
    expect(jobs.filter((j) => j.team === 'north')).toHaveLength(20);
    for (const job of jobs) {
      expect(job._id).toMatch(/^job:[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(job).toMatchObject({ schema: 1, createdBy: `${job.team}-lead` });
      expect(Array.isArray(job.checklist)).toBe(true);
      const site = docs.find((d) => d._id === job.siteId);
      expect(site?.team).toBe(job.team);
    }
  });

  it('produces jobs of about 1.5 KB, the size the benchmarks assume', () => {
    const jobs = generateSeed({ jobs: 200, teams: ['north'], seed: 3 }, members).filter((d) => d.type === 'job');
    const average = jobs.reduce((sum, j) => sum + JSON.stringify(j).length, 0) / jobs.length;
    expect(average).toBeGreaterThan(1000);
    expect(average).toBeLessThan(2200);
  });
});
