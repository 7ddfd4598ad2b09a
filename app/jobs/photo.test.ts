import { describe, expect, it } from 'vitest';
import { compressPhoto, fitWithin, MAX_SIDE, PhotoError } from './photo';

describe('photo sizing', () => {
  it('shrinks the long side to the limit and keeps the shape; never enlarges', () => {
    expect(fitWithin(4000, 3000, MAX_SIDE)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000, MAX_SIDE)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600, MAX_SIDE)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(20000, 10, MAX_SIDE)).toEqual({ width: 1600, height: 1 });
  });

  it('refuses what is not an image, and images too large to open, with what to do', async () => {
    await expect(compressPhoto(new Blob(['%PDF-1.7'], { type: 'application/pdf' }))).rejects.toThrow(PhotoError);
    await expect(compressPhoto(new Blob(['%PDF-1.7'], { type: 'application/pdf' }))).rejects.toThrow(/not a photo.*Choose a JPEG/);
    const huge = { type: 'image/jpeg', size: 31 * 1024 * 1024 } as Blob;
    await expect(compressPhoto(huge)).rejects.toThrow(/too large.*lower resolution/);
  });
});
