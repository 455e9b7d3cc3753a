/** A logged-in session for a bench: the supertest agent holding its cookie, and the cookie for a load generator. */
import type { Express } from 'express';
import request from 'supertest';

export async function benchLogin(app: Express, username: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, username, password });
  return { agent, cookie: String(res.headers['set-cookie']).split(';')[0]! };
}
