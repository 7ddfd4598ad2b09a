/**
 * Draws Outpost's app icons as PNG files in public/icons/, with nothing but node:zlib.
 *
 * The mark is a tent with a flag on its pole, in cream and amber on the theme's deep teal.
 * Every shape is a polygon; each pixel is the average of 5×5 samples, so edges are smooth.
 * "any" icons have rounded corners on a transparent canvas; the maskable and Apple icons
 * are full-bleed with the mark inside the central safe zone (a circle of 40% radius).
 *
 *   npx tsx scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];
type Point = readonly [number, number];

/** Keep in step with `theme_color` in vite.config.ts. */
const TEAL: Rgb = [0x0e, 0x5a, 0x4e];
const CREAM: Rgb = [0xf8, 0xf4, 0xe8];
const AMBER: Rgb = [0xf5, 0xa5, 0x24];

interface Layer {
  readonly colour: Rgb;
  readonly polygon: readonly Point[];
}

/** The mark, in a unit box (y grows downwards). Later layers paint over earlier ones. */
const MARK: readonly Layer[] = [
  { colour: CREAM, polygon: [[0.5, 0.26], [0.98, 0.96], [0.02, 0.96]] }, // tent
  { colour: TEAL, polygon: [[0.5, 0.58], [0.67, 0.96], [0.33, 0.96]] }, // door
  { colour: CREAM, polygon: [[0.475, 0.02], [0.525, 0.02], [0.525, 0.3], [0.475, 0.3]] }, // pole
  { colour: AMBER, polygon: [[0.525, 0.03], [0.84, 0.115], [0.525, 0.2]] }, // flag
];

interface IconSpec {
  readonly file: string;
  readonly size: number;
  /** Side of the mark's box as a fraction of the icon. */
  readonly markScale: number;
  /** Corner radius as a fraction of the icon; 0 = full-bleed square. */
  readonly cornerRadius: number;
}

const ICONS: readonly IconSpec[] = [
  { file: 'icon-192.png', size: 192, markScale: 0.62, cornerRadius: 0.2 },
  { file: 'icon-512.png', size: 512, markScale: 0.62, cornerRadius: 0.2 },
  { file: 'icon-maskable-512.png', size: 512, markScale: 0.5, cornerRadius: 0 },
  { file: 'apple-touch-icon-180.png', size: 180, markScale: 0.58, cornerRadius: 0 },
  { file: 'favicon-32.png', size: 32, markScale: 0.7, cornerRadius: 0.18 },
];

const SAMPLES = 5;

function insidePolygon(x: number, y: number, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point;
    const [xj, yj] = polygon[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insideRoundedSquare(x: number, y: number, radius: number): boolean {
  if (radius <= 0) return true;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** Colour at a point of the icon (unit coordinates), or null where the canvas is transparent. */
function sample(x: number, y: number, spec: IconSpec): Rgb | null {
  if (!insideRoundedSquare(x, y, spec.cornerRadius)) return null;
  const offset = (1 - spec.markScale) / 2;
  const mx = (x - offset) / spec.markScale;
  const my = (y - offset) / spec.markScale;
  let colour = TEAL;
  for (const layer of MARK) if (insidePolygon(mx, my, layer.polygon)) colour = layer.colour;
  return colour;
}

/** RGBA pixels, row by row. */
function render(spec: IconSpec): Uint8Array {
  const { size } = spec;
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = sample((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, spec);
          if (!c) continue;
          r += c[0]; g += c[1]; b += c[2]; covered++;
        }
      }
      const at = (py * size + px) * 4;
      if (covered > 0) {
        pixels[at] = Math.round(r / covered);
        pixels[at + 1] = Math.round(g / covered);
        pixels[at + 2] = Math.round(b / covered);
      }
      pixels[at + 3] = Math.round((covered / (SAMPLES * SAMPLES)) * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A truecolour-with-alpha, 8-bit, non-interlaced PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function main(): void {
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
  mkdirSync(outDir, { recursive: true });
  for (const spec of ICONS) {
    const png = encodePng(spec.size, spec.size, render(spec));
    writeFileSync(join(outDir, spec.file), png);
    console.log(`public/icons/${spec.file}  ${spec.size}×${spec.size}  ${png.length} bytes`);
  }
}

main();
