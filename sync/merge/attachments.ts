/**
 * Rule for `_attachments`: the union by name, each stub kept as it is (digest, length, revpos, stub). A name present
 * in several leaves with different stubs takes the stub of the leaf whose `photos` item for that photo
 * (`photo-<id>.<ext>`) is the later version (items.ts order; a leaf without the item is lowest), then the greater
 * canonical JSON of the stub.
 *
 * Associativity holds while every leaf that has photo item <id> also has its attachment — addPhoto writes both in
 * one revision and nothing removes either. (A leaf with a later item but no attachment would lift a merged body's
 * attachment above one it lost to in the full set.)
 */
import { canonicalJson, compareText, isPlainObject, type JsonRecord } from './canonical';
import { compareItemVersions, isItem, type ItemBase } from './items';

const PHOTO_NAME = /^photo-(.+)\.(jpg|jpeg|png|webp)$/;

interface Candidate {
  readonly stub: unknown;
  readonly item: ItemBase | undefined;
}

function photoItem(leaf: JsonRecord, name: string): ItemBase | undefined {
  const id = PHOTO_NAME.exec(name)?.[1];
  const photos: unknown = leaf.photos;
  if (id === undefined || !Array.isArray(photos)) return undefined;
  const list: readonly unknown[] = photos;
  return list.find((item: unknown): item is ItemBase => isItem(item) && item.id === id);
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const byItem = a.item && b.item ? compareItemVersions(a.item, b.item) : Number(a.item !== undefined) - Number(b.item !== undefined);
  return byItem || compareText(canonicalJson(a.stub), canonicalJson(b.stub));
}

/** The merged `_attachments`, or undefined when no leaf has any. */
export function mergeAttachments(leaves: readonly JsonRecord[]): JsonRecord | undefined {
  const best = new Map<string, Candidate>();
  let any = false;
  for (const leaf of leaves) {
    const attachments = leaf._attachments;
    if (attachments === undefined) continue;
    if (!isPlainObject(attachments)) throw new Error('_attachments: must be an object');
    any = true;
    for (const [name, stub] of Object.entries(attachments)) {
      const candidate = { stub, item: photoItem(leaf, name) };
      const seen = best.get(name);
      if (seen === undefined || compareCandidates(candidate, seen) > 0) best.set(name, candidate);
    }
  }
  return any ? Object.fromEntries([...best].map(([name, { stub }]) => [name, stub])) : undefined;
}
