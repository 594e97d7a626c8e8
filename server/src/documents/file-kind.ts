import type { FileHandle } from 'node:fs/promises';

/** Kinds of file the platform stores, recognised from their content. */
export const FILE_KINDS = ['pdf', 'doc', 'docx', 'jpeg', 'png', 'webp'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const DOCUMENT_KINDS: readonly FileKind[] = FILE_KINDS;
export const IMAGE_KINDS: readonly FileKind[] = ['jpeg', 'png', 'webp'];

/** The content type each kind is served with, and the file name extensions it goes by. */
export const KIND_FORMATS: Record<FileKind, { contentType: string; extensions: string[] }> = {
  pdf: { contentType: 'application/pdf', extensions: ['.pdf'] },
  doc: { contentType: 'application/msword', extensions: ['.doc'] },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
  },
  jpeg: { contentType: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  png: { contentType: 'image/png', extensions: ['.png'] },
  webp: { contentType: 'image/webp', extensions: ['.webp'] },
};

/** Bytes of the file's start that `kindOfHead` needs. */
export const HEAD_BYTES = 16;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Compound File Binary (OLE2), the container of Word 97-2003 documents.
const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Recognises a kind from the first bytes of a file by its signature. A ZIP archive is
 * returned as 'zip' because only its central directory distinguishes a Word document from
 * any other archive.
 */
export function kindOfHead(head: Buffer): FileKind | 'zip' | undefined {
  const startsWith = (signature: Buffer | string, offset = 0) => {
    const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : signature;
    return head.subarray(offset, offset + bytes.length).equals(bytes);
  };
  if (startsWith('%PDF-')) return 'pdf';
  if (startsWith(PNG_SIGNATURE)) return 'png';
  if (startsWith(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpeg';
  if (startsWith('RIFF') && startsWith('WEBP', 8)) return 'webp';
  // NOTE: Excel, PowerPoint and Windows Installer files share this container and pass as
  // Word 97-2003 documents; the download name then gets a .doc extension.
  if (startsWith(CFB_SIGNATURE)) return 'doc';
  if (startsWith(ZIP_LOCAL_HEADER)) return 'zip';
  return undefined;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_LENGTH = 22;
const MAX_ZIP_COMMENT = 0xffff;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_LENGTH = 46;
/** Central directories larger than this are not read; a Word document's is a few KiB. */
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * Tells whether a ZIP archive's central directory lists an entry of this exact name. It reads
 * the end-of-central-directory record from the file's last 64 KiB and the directory it
 * points to, and reads no entry's data.
 */
export async function zipHasEntry(file: FileHandle, size: number, name: string) {
  const tailLength = Math.min(size, EOCD_LENGTH + MAX_ZIP_COMMENT);
  const tail = await readAt(file, size - tailLength, tailLength);
  let eocd = -1;
  for (let offset = tail.length - EOCD_LENGTH; offset >= 0; offset -= 1) {
    if (tail.readUInt32LE(offset) === EOCD_SIGNATURE) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) return false;

  const entryCount = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  const eocdPosition = size - tailLength + eocd;
  // NOTE: ZIP64 archives (directory fields set to 0xFFFFFFFF) fail this bound and are
  // rejected; Word writes plain ZIP for documents under 4 GiB.
  if (directorySize > MAX_CENTRAL_DIRECTORY || directoryOffset + directorySize > eocdPosition) {
    return false;
  }

  const directory = await readAt(file, directoryOffset, directorySize);
  const expectedName = Buffer.from(name, 'utf8');
  let offset = 0;
  for (let entry = 0; entry < entryCount; entry += 1) {
    if (offset + CENTRAL_HEADER_LENGTH > directory.length) return false;
    if (directory.readUInt32LE(offset) !== CENTRAL_HEADER_SIGNATURE) return false;
    const nameLength = directory.readUInt16LE(offset + 28);
    const extraLength = directory.readUInt16LE(offset + 30);
    const commentLength = directory.readUInt16LE(offset + 32);
    const nameStart = offset + CENTRAL_HEADER_LENGTH;
    if (nameStart + nameLength > directory.length) return false;
    if (directory.subarray(nameStart, nameStart + nameLength).equals(expectedName)) return true;
    offset = nameStart + nameLength + extraLength + commentLength;
  }
  return false;
}

/**
 * Recognises the kind of a stored file from its content: the signature at its start, and for
 * a ZIP archive a `word/document.xml` entry in its central directory. Returns undefined for
 * any other content, whatever the file's name or declared type.
 */
export async function sniffFileKind(file: FileHandle, size: number): Promise<FileKind | undefined> {
  const head = await readAt(file, 0, HEAD_BYTES);
  const kind = kindOfHead(head);
  if (kind !== 'zip') return kind;
  return (await zipHasEntry(file, size, 'word/document.xml')) ? 'docx' : undefined;
}
