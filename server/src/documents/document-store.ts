import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

import { sniffFileKind, type FileKind } from './file-kind.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEMP_FOLDER = '.incoming';

/** A file received into the store's temporary folder, not yet stored under an event. */
export interface ReceivedFile {
  tempPath: string;
  sizeBytes: number;
  /** SHA-256 of the content, as hex. */
  sha256: string;
}

/** Raised while receiving when the content passes `maxBytes`; the partial file is removed. */
export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`File is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLarge';
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * Files of event documents and chat-group QR images on the local disk. A stored file is
 * `<root>/<event id>/<file id>`, both server-generated UUIDs, so nothing a client sends
 * becomes part of a path. Uploads are written to `<root>/.incoming` first and renamed into
 * place, so a reader never sees half a file.
 */
export class DocumentStore {
  constructor(readonly root: string) {}

  /** Returns the path of a stored file, in lower case; throws unless both ids are UUIDs. */
  pathOf(eventId: string, fileId: string): string {
    if (!UUID.test(eventId) || !UUID.test(fileId)) {
      throw new Error(`Stored file ids must be UUIDs, got ${eventId}/${fileId}`);
    }
    return join(this.root, eventId.toLowerCase(), fileId.toLowerCase());
  }

  /**
   * Writes a stream to a new temporary file while hashing and counting its bytes. Stops
   * reading and removes the file with FileTooLarge once more than `maxBytes` arrive, or when
   * the stream reports that its parser cut it short (`truncated`).
   */
  async receive(stream: Readable & { truncated?: boolean }, maxBytes: number) {
    const folder = join(this.root, TEMP_FOLDER);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const tempPath = join(folder, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let file: FileHandle | undefined;
    try {
      file = await open(tempPath, 'wx', 0o600);
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        sizeBytes += bytes.length;
        if (sizeBytes > maxBytes) throw new FileTooLarge(maxBytes);
        hash.update(bytes);
        await file.write(bytes);
      }
      if (stream.truncated) throw new FileTooLarge(maxBytes);
      await file.sync();
      await file.close();
      file = undefined;
    } catch (error) {
      await file?.close();
      await rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, sizeBytes, sha256: hash.digest('hex') } satisfies ReceivedFile;
  }

  /** Recognises a received file's kind from its content. */
  async kindOf(received: ReceivedFile): Promise<FileKind | undefined> {
    const file = await open(received.tempPath, 'r');
    try {
      return await sniffFileKind(file, received.sizeBytes);
    } finally {
      await file.close();
    }
  }

  /** Moves a received file into place under its event, creating the event's folder. */
  async commit(received: ReceivedFile, eventId: string, fileId: string): Promise<void> {
    const path = this.pathOf(eventId, fileId);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await rename(received.tempPath, path);
  }

  /** Removes a received file that will not be stored; a file already moved is left alone. */
  async discard(received: ReceivedFile): Promise<void> {
    await rm(received.tempPath, { force: true });
  }

  /** Removes a stored file. Returns false when it was not there. */
  async remove(eventId: string, fileId: string): Promise<boolean> {
    try {
      await rm(this.pathOf(eventId, fileId));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /**
   * Removes the file of a row already deleted and committed. Returns the removal's error, if
   * any, for the caller to log, because the deletion itself has succeeded.
   */
  async removeCommitted(eventId: string, fileId: string): Promise<{ fileError: unknown }> {
    try {
      await this.remove(eventId, fileId);
      return { fileError: undefined };
    } catch (error) {
      return { fileError: error };
    }
  }

  /** Opens a stored file for reading; returns undefined when it is missing. */
  async open(eventId: string, fileId: string): Promise<FileHandle | undefined> {
    try {
      return await open(this.pathOf(eventId, fileId), 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}
