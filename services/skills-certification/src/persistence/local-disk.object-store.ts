import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore, StoredObject } from '../application/ports/object-store';

const HASH = /^[0-9a-f]{64}$/;

/**
 * The object store on a local disk: `<root>/<first two hex digits>/<sha256>`. A file is written under a
 * temporary name and renamed into place, so a reader never sees half a file, and two uploads of the same
 * bytes end with the same file.
 */
export class LocalDiskObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private pathOf(contentHash: string): string {
    if (!HASH.test(contentHash)) throw new Error('not a SHA-256 in lower-case hex');
    return join(this.root, contentHash.slice(0, 2), contentHash);
  }

  async put(bytes: Buffer): Promise<StoredObject> {
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(contentHash);
    const existing = await this.stat(contentHash);
    if (existing) return existing;
    await mkdir(join(this.root, contentHash.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${randomUUID()}.part`;
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
    return { contentHash, sizeBytes: bytes.length };
  }

  async stat(contentHash: string): Promise<StoredObject | undefined> {
    if (!HASH.test(contentHash)) return undefined;
    try {
      const s = await stat(this.pathOf(contentHash));
      return { contentHash, sizeBytes: s.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async get(contentHash: string): Promise<Buffer | undefined> {
    if (!HASH.test(contentHash)) return undefined;
    try {
      return await readFile(this.pathOf(contentHash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
