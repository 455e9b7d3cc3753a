import type { RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from '../store/errors.js';

export const MAX_UPLOAD_MB = 10;
/** A county's land-parcel layer (10⁵–10⁶ parcels) zipped: kept on disk while it is read, never in memory. */
export const MAX_LAYER_UPLOAD_MB = 1024;

const MESSAGES: Record<string, { zh: string; en: string }> = {
  LIMIT_FILE_COUNT: { zh: '一次只能上传一个文件', en: 'upload one file at a time' },
  LIMIT_UNEXPECTED_FILE: { zh: '文件应放在"文件"一栏上传', en: 'send the file in the "file" field' },
};

/**
 * One spreadsheet in memory from the multipart field "file", then the CSRF check (which needs the parsed
 * body). A bad upload is bad input: a clear 422, never a server error.
 */
export function singleUpload(options: { maxMb?: number; toDisk?: boolean } = {}): RequestHandler {
  const maxMb = options.maxMb ?? MAX_UPLOAD_MB;
  const upload = multer({
    // a layer goes to a temporary file (req.file.path), which its route removes when read
    storage: options.toDisk ? multer.diskStorage({}) : multer.memoryStorage(),
    limits: { fileSize: maxMb * 1024 * 1024, files: 1 },
  });
  return (req, res, next) =>
    upload.single('file')(req, res, (err: unknown) => {
      if (!err) return req.app.locals.csrfProtection(req, res, next);
      const code = (err as { code?: string }).code ?? '';
      const tooLarge = { zh: `文件超过 ${maxMb} MB`, en: `the file is larger than ${maxMb} MB` };
      const message = (code === 'LIMIT_FILE_SIZE' ? tooLarge : MESSAGES[code]) ?? {
        zh: '上传失败，请重新选择文件',
        en: 'the upload failed; choose the file again',
      };
      next(new ValidationError([{ field: 'file', message }]));
    });
}

/**
 * Two files to disk from two multipart fields — "opening" and "closing" (two DLTB vintages), or "file" and
 * "shares" (a DLTB and its forest-type share table) — then the CSRF check; the route removes both when read.
 */
export function layerPairUpload(
  maxMb = MAX_LAYER_UPLOAD_MB,
  names: readonly [string, string] = ['opening', 'closing'],
): RequestHandler {
  const upload = multer({
    storage: multer.diskStorage({}),
    limits: { fileSize: maxMb * 1024 * 1024, files: 2 },
  });
  return (req, res, next) =>
    upload.fields(names.map((name) => ({ name, maxCount: 1 })))(req, res, (err: unknown) => {
      if (!err) return req.app.locals.csrfProtection(req, res, next);
      const code = (err as { code?: string }).code ?? '';
      const message =
        code === 'LIMIT_FILE_SIZE'
          ? { zh: `文件超过 ${maxMb} MB`, en: `the file is larger than ${maxMb} MB` }
          : { zh: '上传失败，请重新选择文件', en: 'the upload failed; choose the files again' };
      next(new ValidationError([{ field: 'file', message }]));
    });
}
