import { boot } from '../src/store/boot.js';
import { createApp } from '../src/web/app.js';
import { createUser } from '../src/store/users.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { login } from '../tests/integration/harness.js';
import { writeFileSync } from 'node:fs';
const { db } = await boot({ url: 'memory://', coefficientsDir: 'coefficients', seedFile: 'seeds/minhou/dataset.json' });
await createUser(db, SYSTEM_ACTOR, { username: 'admin', displayName: 'a', role: 'admin', password: 'correct horse battery' });
const app = createApp({ db, sessionSecret: 'x', log: (l) => { if (l.level === 'error') console.log(l.error); } });
const s = await login(app, 'admin');
for (const [i, u] of ['/assessment?lang=en', '/assessment/scheme/lishui-gep-comprehensive?year=2021', '/assessment/scheme/lishui-gep-comprehensive/township/dahu?year=2021&lang=en', '/assessment/figures?year=2021&lang=zh', '/funds/3', '/funds/2?lang=en', '/assessment/scheme/lishui-gep-comprehensive?year=2020'].entries()) {
  const r = await s.agent.get(u);
  const main = r.text.slice(r.text.indexOf('<main>'), r.text.indexOf('</main>')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  console.log('=====', u, r.status, main.slice(0, 1500));
}
