/** What the object store answers about a file: its content hash and size. */
export interface StoredObject {
  /** Lower-case hex SHA-256 of the bytes: the object's name. */
  readonly contentHash: string;
  readonly sizeBytes: number;
}

/**
 * Where evidence files' bytes live, named by their SHA-256 (content-addressed: the same bytes are stored
 * once, and a name can never point at other bytes). The service keeps only the hash and size in its events;
 * a deployment may put an S3-compatible store behind this interface. `LocalDiskObjectStore` keeps them in a
 * folder.
 */
export interface ObjectStore {
  put(bytes: Buffer): Promise<StoredObject>;
  /** The object's size, or undefined when no object of that hash is stored. */
  stat(contentHash: string): Promise<StoredObject | undefined>;
  get(contentHash: string): Promise<Buffer | undefined>;
}
