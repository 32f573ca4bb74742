import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PathSegment } from './issue-path.ts';
import type { RawIssue } from './zod-issues.ts';

export const IMAGE_MIME: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** Reads an image file's bytes; throws like fs.readFileSync (ENOENT when missing). */
export type ReadImage = (absPath: string) => Uint8Array;

export const readImageFile: ReadImage = (absPath) => readFileSync(absPath);

export interface ResolvedImage {
  /** Path of the `url` field, e.g. cases[3].messages[0].content[1].image_url.url. */
  path: PathSegment[];
  dataUrl: string;
}

/** http(s) and data: URLs are sent as written; anything else with a scheme is not an image we can send. */
const SENT_AS_IS = /^(https?:|data:)/i;
// Two characters or more before the colon, so a Windows drive (`C:\x.png`) is a path, not a scheme.
const HAS_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Finds image parts whose URL is a local file, reads each and makes it a data: URL. Paths are
 * relative to the suite's folder. Works on the raw data so missing files are reported with the
 * schema's issues.
 */
export function resolveImages(data: unknown, dir: string, readImage: ReadImage): { images: ResolvedImage[]; issues: RawIssue[] } {
  const images: ResolvedImage[] = [];
  const issues: RawIssue[] = [];
  const cases = isObj(data) && Array.isArray(data.cases) ? data.cases : [];
  cases.forEach((c, i) => {
    if (!isObj(c) || !Array.isArray(c.messages)) return;
    c.messages.forEach((m, j) => {
      if (!isObj(m) || !Array.isArray(m.content)) return;
      m.content.forEach((part, k) => {
        if (!isObj(part) || part.type !== 'image_url' || !isObj(part.image_url)) return;
        const url = part.image_url.url;
        if (typeof url !== 'string' || url === '' || SENT_AS_IS.test(url)) return;
        const path: PathSegment[] = ['cases', i, 'messages', j, 'content', k, 'image_url', 'url'];
        const res = toDataUrl(url, dir, readImage);
        if ('error' in res) issues.push({ path, message: res.error });
        else images.push({ path, dataUrl: res.dataUrl });
      });
    });
  });
  return { images, issues };
}

function toDataUrl(url: string, dir: string, readImage: ReadImage): { dataUrl: string } | { error: string } {
  let file: string;
  if (/^file:/i.test(url)) {
    try {
      file = fileURLToPath(url);
    } catch (err) {
      return { error: `bad file URL \`${url}\`: ${(err as Error).message}` };
    }
  } else if (HAS_SCHEME.test(url)) {
    return { error: `unsupported image URL \`${url}\`: use http(s)://, data:, or a file path relative to the suite` };
  } else file = isAbsolute(url) ? url : resolve(dir, url);

  const ext = extname(file).toLowerCase();
  const mime = IMAGE_MIME[ext];
  if (!mime) {
    return { error: `unsupported image type \`${ext || '(no extension)'}\` in \`${url}\`; expected one of .png, .jpg, .jpeg, .gif, .webp` };
  }
  let bytes: Uint8Array;
  try {
    bytes = readImage(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { error: `image file \`${url}\` not found (looked for ${file})` };
    if (code === 'EISDIR') return { error: `image \`${url}\` is a directory (${file})` };
    return { error: `cannot read image \`${url}\` (${file}): ${(err as Error).message}` };
  }
  return { dataUrl: `data:${mime};base64,${Buffer.from(bytes).toString('base64')}` };
}

/** Writes resolved data URLs into the validated suite, at the same paths. */
export function applyImages(target: unknown, images: readonly ResolvedImage[]): void {
  for (const { path, dataUrl } of images) {
    let node: unknown = target;
    for (const seg of path.slice(0, -1)) node = (node as Record<PathSegment, unknown>)[seg];
    (node as Record<PathSegment, unknown>)[path[path.length - 1]] = dataUrl;
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
