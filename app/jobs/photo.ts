/**
 * Photos are made small on the device before they are stored: at most 1600 px on the long side and about 1 MB
 * as JPEG, so a day of photos fits a phone's storage and a weak connection can send them. What is not an image,
 * or is too large to even open, is refused with a sentence that says what to do.
 */
export const MAX_SIDE = 1600;
export const TARGET_BYTES = 1_000_000;
/** Beyond this, decoding alone could exhaust a phone's memory. */
export const MAX_INPUT_BYTES = 30 * 1024 * 1024;

export class PhotoError extends Error {
  override name = 'PhotoError';
}

/** The size that fits `maxSide` on the long side, never enlarged. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function encode(bitmap: ImageBitmap, width: number, height: number, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) throw new PhotoError('This browser cannot process photos. Try another browser.');
  g.drawImage(bitmap, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) throw new PhotoError('The photo could not be compressed. Try taking it again.');
  return blob;
}

/** A JPEG of the photo, within MAX_SIDE and near TARGET_BYTES. */
export async function compressPhoto(file: Blob): Promise<Blob> {
  if (!file.type.startsWith('image/')) {
    throw new PhotoError(`That file is not a photo (${file.type || 'unknown type'}). Choose a JPEG, PNG or WebP image.`);
  }
  if (file.size > MAX_INPUT_BYTES) {
    throw new PhotoError(`That image is too large to add (${Math.round(file.size / 1024 / 1024)} MB; the limit is 30 MB). Take the photo at a lower resolution.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PhotoError('That file could not be opened as an image. Choose a JPEG, PNG or WebP photo.');
  }
  try {
    let { width, height } = fitWithin(bitmap.width, bitmap.height, MAX_SIDE);
    for (const quality of [0.85, 0.75, 0.65, 0.55]) {
      const blob = await encode(bitmap, width, height, quality);
      if (blob.size <= TARGET_BYTES) return blob;
    }
    // Still too big (very detailed scenes): shrink until it fits.
    for (;;) {
      ({ width, height } = fitWithin(width, height, Math.round(Math.max(width, height) * 0.8)));
      const blob = await encode(bitmap, width, height, 0.6);
      if (blob.size <= TARGET_BYTES || Math.max(width, height) < 320) return blob;
    }
  } finally {
    bitmap.close();
  }
}
