import type { ZodError } from 'zod';
import type { Bilingual, InputIssue } from '../domain/inputs.js';

/** Bad input: every problem at once, each naming its field (and row) in zh and en. Nothing was written. */
export class ValidationError extends Error {
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map((i) => i.message.en).join('; '));
  }

  static fromZod(error: ZodError): ValidationError {
    return new ValidationError(
      error.issues.map((i) => {
        const field = i.path.join('.');
        // a custom check may carry its own Chinese message in params.zh
        const zh = (i as { params?: { zh?: string } }).params?.zh ?? zodMessageZh(i.code, i.message);
        return { field: field || undefined, message: { zh, en: i.message } };
      }),
    );
  }
}

function zodMessageZh(code: string, en: string): string {
  const zh: Record<string, string> = {
    invalid_type: '缺少或类型不对',
    too_small: '太短或太小',
    too_big: '太长或太大',
    invalid_format: '格式不对',
    invalid_value: '取值不在允许范围内',
  };
  return zh[code] ? `${zh[code]}（${en}）` : en;
}

/** The data changed since the user loaded it: nothing was overwritten. */
export class ConflictError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

/** The user's role or relation to the data does not allow this. */
export class ForbiddenError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

export class NotFoundError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}

/** The request itself cannot be read (a NUL byte, invalid text, a malformed path): 400, nothing done. */
export class BadRequestError extends Error {
  constructor(readonly messageText: Bilingual) {
    super(messageText.en);
  }
}
