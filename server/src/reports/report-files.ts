import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ReportFormat = 'xlsx' | 'pdf';

/**
 * Generated report files on the local disk, beside the event documents: a report's files are
 * `<root>/<report id>/report.xlsx` and `report.pdf`, with the server-made UUID as the only
 * variable part of the path. A file is written under a temporary name, synced and renamed, so
 * a reader never sees half a file.
 */
export class ReportFiles {
  constructor(readonly root: string) {}

  pathOf(reportId: string, format: ReportFormat): string {
    if (!UUID.test(reportId)) throw new Error(`Report ids must be UUIDs, got ${reportId}`);
    return join(this.root, reportId.toLowerCase(), `report.${format}`);
  }

  async write(reportId: string, format: ReportFormat, content: Buffer): Promise<void> {
    const target = this.pathOf(reportId, format);
    const folder = join(this.root, reportId.toLowerCase());
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const temporary = join(folder, `.${randomUUID()}.part`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  }

  read(reportId: string, format: ReportFormat): Promise<Buffer> {
    return readFile(this.pathOf(reportId, format));
  }

  /** Removes a report's folder, for a job that failed half-way. */
  async remove(reportId: string): Promise<void> {
    await rm(join(this.root, reportId.toLowerCase()), { recursive: true, force: true });
  }
}
