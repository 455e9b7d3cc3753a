import type { RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from '../store/errors.js';

export const MAX_UPLOAD_MB = 10;

const MESSAGES: Record<string, { zh: string; en: string }> = {
  LIMIT_FILE_SIZE: { zh: `文件超过 ${MAX_UPLOAD_MB} MB`, en: `the file is larger than ${MAX_UPLOAD_MB} MB` },
  LIMIT_FILE_COUNT: { zh: '一次只能上传一个文件', en: 'upload one file at a time' },
  LIMIT_UNEXPECTED_FILE: { zh: '文件应放在"文件"一栏上传', en: 'send the file in the "file" field' },
};

/**
 * One spreadsheet in memory from the multipart field "file", then the CSRF check (which needs the parsed
 * body). A bad upload is bad input: a clear 422, never a server error.
 */
export function singleUpload(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_MB * 1024 * 1024, files: 1 },
  });
  return (req, res, next) =>
    upload.single('file')(req, res, (err: unknown) => {
      if (!err) return req.app.locals.csrfProtection(req, res, next);
      const code = (err as { code?: string }).code ?? '';
      const message = MESSAGES[code] ?? {
        zh: '上传失败，请重新选择文件',
        en: 'the upload failed; choose the file again',
      };
      next(new ValidationError([{ field: 'file', message }]));
    });
}
