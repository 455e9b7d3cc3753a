import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt is memory-hard: N = 2^15, r = 8 needs 32 MiB per hash. Parameters are stored with the hash. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

const scrypt = (password: string, salt: Buffer, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, KEY_LENGTH, { ...o, maxmem: 128 * o.N! * o.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password nobody knows: compared against for unknown users, so timing does not tell. */
export const dummyHash = hashPassword(randomBytes(16).toString('hex'));

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Passwords too common to be secret (lists of leaked passwords and their Chinese favourites), compared
 * in lower case. A password must not be one of these, nor one character repeated, nor only whitespace.
 */
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '0987654321',
  '1111111111',
  '1q2w3e4r5t',
  'qwertyuiop',
  'asdfghjkl;',
  '1qaz2wsx3edc',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'p@ssw0rd123',
  'iloveyou123',
  'qwerty123456',
  'qwer123456',
  'abc1234567',
  'abcd123456',
  'a123456789',
  'aa123456789',
  'woaini1314',
  'woaini520',
  '5201314520',
  '1314520520',
  'administrator',
  'admin123456',
  'admin12345',
  'changeme123',
  'welcome123',
  'letmein123',
  'gepledger123',
  'gep-ledger',
]);

/** The password policy, as a reason in zh and en when a password fails it (the form names the field: 密码：…). */
export function passwordProblem(password: string): { zh: string; en: string } | undefined {
  if (password.trim() === '') return { zh: '不能只由空白字符组成', en: 'cannot be only whitespace' };
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return {
      zh: `至少 ${PASSWORD_MIN_LENGTH} 个字符`,
      en: `at least ${PASSWORD_MIN_LENGTH} characters`,
    };
  if (password.length > PASSWORD_MAX_LENGTH)
    return {
      zh: `最多 ${PASSWORD_MAX_LENGTH} 个字符`,
      en: `at most ${PASSWORD_MAX_LENGTH} characters`,
    };
  if (new Set(password).size <= 2 || COMMON_PASSWORDS.has(password.trim().toLowerCase()))
    return {
      zh: '太常见或太简单，请换一个',
      en: 'too common or too simple; choose another',
    };
  return undefined;
}
