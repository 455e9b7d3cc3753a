import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../store/errors.js';
import type { Role } from '../store/users.js';

/** Every route names the roles it serves; the check runs on the server for every request. */
export function requireRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) {
      if (req.path.startsWith('/api/') || req.baseUrl.startsWith('/api'))
        return res.status(401).json({ error: req.lang === 'en' ? 'log in first' : '请先登录' });
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!roles.includes(req.user.role))
      return next(
        new ForbiddenError({
          zh: `您的角色（${ROLE_LABELS[req.user.role].zh}）无权访问此功能`,
          en: `your role (${ROLE_LABELS[req.user.role].en}) may not use this`,
        }),
      );
    next();
  };
}

export const ANY_ROLE: Role[] = ['admin', 'editor', 'reviewer', 'finance', 'assessor', 'viewer'];

const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '管理员', en: 'administrator' },
  editor: { zh: '填报员', en: 'editor' },
  reviewer: { zh: '审核员', en: 'reviewer' },
  finance: { zh: '财政人员', en: 'finance official' },
  assessor: { zh: '考核人员', en: 'assessor' },
  viewer: { zh: '查阅者', en: 'viewer' },
};
