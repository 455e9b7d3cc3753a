/**
 * Reading a large layer takes minutes (a county's DLTB holds 10⁵–10⁶ parcels), longer than a browser should
 * wait on one request. The upload starts a job in this process and answers at once; the job page polls the
 * job's progress (parcels read of the layer's count) and, when the layer is read, goes on to the import
 * preview (nothing is written before its commit). Jobs live in memory: a restart forgets them (the page then
 * says so and the layer is uploaded again). One running job per user; a finished job is kept an hour.
 */
import { randomBytes } from 'node:crypto';
import type { InputIssue } from '../domain/inputs.js';

export interface LayerJob {
  readonly id: string;
  readonly userId: number;
  readonly fileName: string;
  readonly startedAt: number;
  status: 'reading' | 'done' | 'failed';
  /** Parcels (features) read so far. */
  parcels: number;
  /** The layer's feature count, when its format tells it. */
  total?: number;
  /** Where the user goes on: the import preview. */
  next?: string;
  issues?: readonly InputIssue[];
  finishedAt?: number;
}

export type JobOutcome = { next: string } | { issues: readonly InputIssue[] };

const jobs = new Map<string, LayerJob>();
const KEEP_MS = 60 * 60 * 1000;

function sweep(now = Date.now()) {
  for (const [id, j] of jobs) if (j.finishedAt && now - j.finishedAt > KEEP_MS) jobs.delete(id);
}

/** The user's job still reading, if any. */
export const runningJobOf = (userId: number) =>
  [...jobs.values()].find((j) => j.userId === userId && j.status === 'reading');

/**
 * Starts `run` in the background and returns its job at once. `run` reports progress through the callback;
 * what it returns (or throws) ends the job. `cleanup` runs last, whatever happened.
 */
export function startLayerJob(
  userId: number,
  fileName: string,
  run: (progress: (parcels: number, total?: number) => void) => Promise<JobOutcome>,
  cleanup: () => Promise<void>,
): LayerJob {
  sweep();
  const job: LayerJob = {
    id: randomBytes(12).toString('hex'),
    userId,
    fileName,
    startedAt: Date.now(),
    status: 'reading',
    parcels: 0,
  };
  jobs.set(job.id, job);
  void (async () => {
    try {
      const outcome = await run((parcels, total) => {
        job.parcels = parcels;
        if (total !== undefined) job.total = total;
      });
      if ('next' in outcome) {
        job.next = outcome.next;
        job.status = 'done';
      } else {
        job.issues = outcome.issues;
        job.status = 'failed';
      }
    } catch (e) {
      console.error('layer job', job.id, e);
      job.issues = [
        {
          field: 'file',
          message: {
            zh: '图层读取时发生内部错误，未写入任何数据；请重试或联系管理员',
            en: 'an internal error stopped reading the layer; nothing was written; try again or ask the administrator',
          },
        },
      ];
      job.status = 'failed';
    } finally {
      job.finishedAt = Date.now();
      await cleanup().catch(() => {});
    }
  })();
  return job;
}

/** A job of this user (another user's job is not theirs to see). */
export function getLayerJob(id: string, userId: number): LayerJob | undefined {
  sweep();
  const j = jobs.get(id);
  return j && j.userId === userId ? j : undefined;
}

/** What the progress endpoint answers. */
export const jobJson = (j: LayerJob) => ({
  status: j.status,
  parcels: j.parcels,
  total: j.total ?? null,
  next: j.next ?? null,
  fileName: j.fileName,
  seconds: Math.round(((j.finishedAt ?? Date.now()) - j.startedAt) / 1000),
});
