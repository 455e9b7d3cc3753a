import { z } from 'zod';
import type { Db } from './db.js';
import { recordEvent, type Actor } from './audit.js';
import { hashPassword, verifyPassword, dummyHash, passwordProblem } from './passwords.js';
import { NotFoundError, ValidationError } from './errors.js';

export const ROLES = ['admin', 'editor', 'reviewer', 'finance', 'assessor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  active: boolean;
  /** Sessions opened in an earlier epoch are refused (bumped on deactivation and password change). */
  session_epoch: number;
  /** Township ids the user is bound to (a clerk edits only these); empty: every township. */
  townships: string[];
  /** Responsible departments (责任单位, zh names) whose fields the user edits; empty: every field. */
  departments: string[];
}

export const newUserSchema = z.object({
  username: z
    .string()
    .trim()
    .refine((u) => /^[a-z][a-z0-9_.-]{2,31}$/.test(u), {
      message: '3–32 lower-case letters, digits, _ . - starting with a letter',
      params: { zh: '须为 3–32 位小写字母、数字或 _ . -，以字母开头' },
    }),
  displayName: z.string().trim().min(1).max(60),
  role: z.enum(ROLES),
  password: passwordSchema(),
});

function passwordSchema() {
  return z.string().superRefine((p, ctx) => {
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: { zh: problem.zh } });
  });
}
export type NewUser = z.infer<typeof newUserSchema>;

const USER_COLUMNS = 'id, username, display_name, role, active, session_epoch, townships, departments';

export async function createUser(db: Db, actor: Actor, input: unknown): Promise<User> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const u = parsed.data;
  const hash = await hashPassword(u.password);
  return db.transaction(async (tx) => {
    const exists = await tx.query('select 1 from users where username = $1', [u.username]);
    if (exists.length)
      throw new ValidationError([
        {
          field: 'username',
          message: { zh: `"${u.username}"已被其他用户使用`, en: `"${u.username}" is taken by another user` },
        },
      ]);
    const [user] = await tx.query<User>(
      `insert into users (username, display_name, role, password_hash) values ($1, $2, $3, $4) returning ${USER_COLUMNS}`,
      [u.username, u.displayName, u.role, hash],
    );
    await recordEvent(tx, actor, {
      action: 'create',
      entity: 'user',
      entityKey: u.username,
      newValue: { username: u.username, displayName: u.displayName, role: u.role },
    });
    return user!;
  });
}

export async function updateUser(
  db: Db,
  actor: Actor,
  id: number,
  change: { role?: Role; active?: boolean },
): Promise<User> {
  const noUser = new NotFoundError({ zh: '用户不存在', en: 'no such user' });
  if (!Number.isSafeInteger(id)) throw noUser;
  return db.transaction(async (tx) => {
    const [old] = await tx.query<User>(`select ${USER_COLUMNS} from users where id = $1 for update`, [id]);
    if (!old) throw noUser;
    const role = change.role ?? old.role;
    const active = change.active ?? old.active;
    if (!ROLES.includes(role))
      throw new ValidationError([{ field: 'role', message: { zh: '角色无效', en: 'invalid role' } }]);
    if (old.role === 'admin' && (role !== 'admin' || !active)) {
      // the active admins are locked: two admins demoting each other at once cannot leave none
      const admins = await tx.query("select id from users where role = 'admin' and active for update");
      if (admins.length <= 1)
        throw new ValidationError([
          { message: { zh: '不能停用或降级最后一位管理员', en: 'the last active admin cannot be removed' } },
        ]);
    }
    // deactivation ends the user's sessions for good: reactivating does not revive them
    const [user] = await tx.query<User>(
      `update users set role = $2, active = $3,
         session_epoch = session_epoch + case when $3 then 0 else 1 end
       where id = $1 returning ${USER_COLUMNS}`,
      [id, role, active],
    );
    if (!active) await endSessions(tx, id);
    await recordEvent(tx, actor, {
      action: 'update',
      entity: 'user',
      entityKey: old.username,
      oldValue: { role: old.role, active: old.active },
      newValue: { role, active },
    });
    return user!;
  });
}

export async function listUsers(db: Db): Promise<User[]> {
  return db.query<User>(`select ${USER_COLUMNS} from users order by id`);
}

export async function findUser(db: Db, id: number): Promise<User | undefined> {
  const [u] = await db.query<User>(`select ${USER_COLUMNS} from users where id = $1 and active`, [id]);
  return u;
}

export async function countUsers(db: Db): Promise<number> {
  const [r] = await db.query<{ n: number }>('select count(*)::int as n from users');
  return r!.n;
}

/** The user whose password this is, or undefined; takes as long for an unknown name as for a wrong password. */
export async function authenticate(db: Db, username: string, password: string): Promise<User | undefined> {
  const [row] = await db.query<User & { password_hash: string }>(
    `select ${USER_COLUMNS}, password_hash from users where username = $1 and active`,
    [username.trim()],
  );
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
  if (!row || !ok) return undefined;
  const { password_hash: _hash, ...user } = row;
  return user;
}

/** Deletes the stored sessions of a user (their epoch is bumped too, so a session saved late is refused). */
async function endSessions(db: Db, id: number): Promise<void> {
  await db.query("delete from session where (sess->>'userId') = $1", [String(id)]);
}

/** Sets a user's password (policy checked); every session of the user ends for good. */
export async function setPassword(db: Db, actor: Actor, id: number, password: unknown): Promise<void> {
  const parsed = passwordSchema().safeParse(password);
  if (!parsed.success)
    throw new ValidationError(
      ValidationError.fromZod(parsed.error).issues.map((i) => ({ ...i, field: 'password' })),
    );
  const hash = await hashPassword(parsed.data);
  await db.transaction(async (tx) => {
    const [user] = await tx.query<User>(
      `update users set password_hash = $2, session_epoch = session_epoch + 1 where id = $1 returning ${USER_COLUMNS}`,
      [id, hash],
    );
    if (!user) throw new NotFoundError({ zh: '用户不存在', en: 'no such user' });
    await endSessions(tx, id);
    await recordEvent(tx, actor, { action: 'set_password', entity: 'user', entityKey: user.username });
  });
}

/** The active user a session belongs to, when the session was opened in the user's current epoch. */
export async function sessionUser(db: Db, id: number, epoch: number | undefined): Promise<User | undefined> {
  const user = await findUser(db, id);
  return user && user.session_epoch === (epoch ?? 0) ? user : undefined;
}

const listOf = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw])
    .map((x) => String(x).trim())
    .filter(Boolean);

/**
 * Binds a user to townships and responsible departments (empty lists: no restriction). Each township must be
 * registered and each department one the set in use names; every problem is reported at once.
 */
export async function setUserScope(
  db: Db,
  actor: Actor,
  id: number,
  input: { townships?: unknown; departments?: unknown },
  knownDepartments: readonly string[],
): Promise<User> {
  const townships = [...new Set(listOf(input.townships))];
  const departments = [...new Set(listOf(input.departments))];
  return db.transaction(async (tx) => {
    const [old] = await tx.query<User>(`select ${USER_COLUMNS} from users where id = $1 for update`, [id]);
    if (!old) throw new NotFoundError({ zh: '用户不存在', en: 'no such user' });
    const known = new Set((await tx.query<{ id: string }>('select id from townships')).map((r) => r.id));
    const issues = [
      ...townships
        .filter((t) => !known.has(t))
        .map((t) => ({
          field: 'townships',
          message: { zh: `乡镇"${t}"不存在`, en: `no township "${t}"` },
        })),
      ...departments
        .filter((d) => !knownDepartments.includes(d))
        .map((d) => ({
          field: 'departments',
          message: {
            zh: `责任单位"${d}"不在当前参数集中`,
            en: `"${d}" is not a responsible department of the set in use`,
          },
        })),
    ];
    if (issues.length) throw new ValidationError(issues);
    const [user] = await tx.query<User>(
      `update users set townships = $2, departments = $3 where id = $1 returning ${USER_COLUMNS}`,
      [id, JSON.stringify(townships), JSON.stringify(departments)],
    );
    await recordEvent(tx, actor, {
      action: 'update',
      entity: 'user',
      entityKey: old.username,
      oldValue: { townships: old.townships, departments: old.departments },
      newValue: { townships, departments },
    });
    return user!;
  });
}

/** A user changes their own password: the current one must be right; every session of the user ends. */
export async function changeOwnPassword(
  db: Db,
  user: User,
  current: unknown,
  next: unknown,
  confirm: unknown,
): Promise<void> {
  const ok = await authenticate(db, user.username, String(current ?? ''));
  const issues = [];
  if (!ok)
    issues.push({
      field: 'current',
      message: { zh: '当前密码不正确', en: 'the current password is wrong' },
    });
  if (String(next ?? '') !== String(confirm ?? ''))
    issues.push({
      field: 'confirm',
      message: { zh: '两次输入的新密码不一致', en: 'the two new passwords differ' },
    });
  if (issues.length) throw new ValidationError(issues);
  await setPassword(db, { id: user.id, username: user.username, role: user.role }, user.id, next);
}
