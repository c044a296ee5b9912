/* The outbox's retry rules in pwa/js/sendcore.js: back-off, Retry-After, what is final, what is retried. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ballotItem, createdResponse, loadSendcore, problemResponse } from './outbox_world.mjs';

const SECOND = 1000;
const FIVE_MINUTES = 5 * 60 * SECOND;

test('back-off doubles from 2 s per attempt up to 5 minutes', () => {
  const { send } = loadSendcore({ random: 0.5 });
  assert.deepEqual(
    [1, 2, 3, 4].map((attempts) => send.nextDelayMs(attempts, null)),
    [2 * SECOND, 4 * SECOND, 8 * SECOND, 16 * SECOND],
  );
  assert.equal(send.nextDelayMs(9, null), FIVE_MINUTES);
  assert.equal(send.nextDelayMs(50, null), FIVE_MINUTES);
});

test('back-off jitter stays within a quarter either side', () => {
  assert.equal(loadSendcore({ random: 0 }).send.nextDelayMs(3, null), 6 * SECOND);
  assert.equal(loadSendcore({ random: 0.999999 }).send.nextDelayMs(3, null), 10 * SECOND);
});

test('a Retry-After in seconds or as a date sets the delay, floored at 1 s and capped at 5 minutes', async () => {
  const { send, clock } = loadSendcore({ random: 0.5 });
  const seconds = await send.readResponse(problemResponse(503, { headers: { 'retry-after': '30' } }));
  assert.equal(seconds.retryAfterMs, 30 * SECOND);
  assert.equal(send.nextDelayMs(1, seconds), 30 * SECOND);

  const date = new Date(clock.now + 90 * SECOND).toUTCString();
  const dated = await send.readResponse(problemResponse(429, { headers: { 'retry-after': date } }));
  assert.equal(dated.retryAfterMs, 90 * SECOND);
  assert.equal(send.nextDelayMs(1, dated), 90 * SECOND);

  assert.equal(send.nextDelayMs(1, { retryAfterMs: 0 }), SECOND);
  assert.equal(send.nextDelayMs(1, { retryAfterMs: 3600 * SECOND }), FIVE_MINUTES);
});

test('the outbox waits as long as the Retry-After says before it sends again', async () => {
  const { send, server, clock } = loadSendcore({ random: 0.5 });
  await send.enqueue(ballotItem());
  server.answer(problemResponse(503, { headers: { 'retry-after': '120' } }));

  const first = await send.flush();
  assert.equal(first.pending, 1);
  assert.equal(first.nextAttemptAt, clock.now + 120 * SECOND);

  clock.now += 119 * SECOND;
  await send.flush();
  assert.equal(server.requests.length, 1, 'sent again before the Retry-After had passed');

  clock.now += SECOND;
  server.answer(createdResponse());
  const second = await send.flush();
  assert.equal(second.sent, 1);
  assert.equal(server.requests.length, 2);
});

for (const status of [400, 401, 403, 404, 409, 410, 413, 422]) {
  test(`a ${status} is final: the answer fails and is never sent again`, async () => {
    const { send, server } = loadSendcore();
    await send.enqueue(ballotItem());
    server.answer(problemResponse(status));

    const sum = await send.flush();
    assert.equal(sum.failed, 1);
    assert.equal(sum.pending, 0);
    await send.flush({ force: true });
    assert.equal(server.requests.length, 1);
    const [item] = await send.items();
    assert.equal(item.state, 'failed');
    assert.equal(item.problem.status, status);
    assert.equal(item.token, null, 'a failed answer keeps no token');
  });
}

for (const [status, kind] of [[500, 'internal'], [502, 'bad-gateway'], [503, 'unavailable'], [408, 'timeout'], [429, 'too-many-requests'], [409, 'request-in-progress']]) {
  test(`a ${status} ${kind} is retried`, async () => {
    const { send, server } = loadSendcore();
    assert.equal(send.isRetryable(status, { type: `tag:welvaartgesprek.nl,2026:problems/${kind}` }), true);
    await send.enqueue(ballotItem());
    server.answer(problemResponse(status, { kind }), createdResponse());

    const first = await send.flush();
    assert.equal(first.pending, 1);
    assert.equal(first.failed, 0);
    const [waiting] = await send.items();
    assert.equal(waiting.state, 'pending');
    assert.equal(waiting.attempts, 1);

    const second = await send.flush({ force: true });
    assert.equal(second.sent, 1);
    assert.equal(server.requests.length, 2);
  });
}

test('a network failure is retried and stops the flush before the next answer', async () => {
  const { send, server } = loadSendcore();
  assert.equal(send.isRetryable(0, null), true);
  await send.enqueue(ballotItem('key-1'));
  await send.enqueue({ ...ballotItem('key-2'), kind: 'pledge' });
  server.answer(new TypeError('Failed to fetch'));

  const sum = await send.flush({ force: true });
  assert.equal(server.requests.length, 1, 'went on sending after the network failed');
  assert.equal(sum.pending, 2);
  assert.equal(sum.failed, 0);
  const items = await send.items();
  assert.equal(items.find((i) => i.id === 'key-1').attempts, 1);
  assert.equal(items.find((i) => i.id === 'key-2').attempts, 0);
});

test('every retry of an answer carries the same Idempotency-Key', async () => {
  const { send, server } = loadSendcore();
  await send.enqueue(ballotItem('key-kept'));
  server.answer(new TypeError('Failed to fetch'), problemResponse(503), problemResponse(429), createdResponse());

  for (let round = 0; round < 4; round += 1) await send.flush({ force: true });
  assert.equal(server.requests.length, 4);
  assert.deepEqual(server.requests.map((r) => r.headers['Idempotency-Key']), ['key-kept', 'key-kept', 'key-kept', 'key-kept']);
  assert.deepEqual(server.requests.map((r) => r.body), Array(4).fill(JSON.stringify({ answers: [1, 2, 3] })));
});

test('an answer is sent once: after a success only a receipt stays and nothing is sent again', async () => {
  const { send, server } = loadSendcore();
  await send.enqueue(ballotItem());
  server.answer(createdResponse());

  assert.equal((await send.flush()).sent, 1);
  const again = await send.flush({ force: true });
  assert.equal(again.sent, 0);
  assert.equal(server.requests.length, 1);
  const [receipt] = await send.items();
  assert.equal(receipt.state, 'sent');
  assert.equal(receipt.token, null);
  assert.equal(receipt.body, null);
});

test('an answer marked forget leaves nothing behind once sent', async () => {
  const { send, server } = loadSendcore();
  await send.enqueue(ballotItem('key-1', { forget: true }));
  server.answer(createdResponse());

  assert.equal((await send.flush()).sent, 1);
  assert.equal((await send.items()).length, 0);
});

test('a newer ballot of the same journey replaces the one still waiting', async () => {
  const { send, server } = loadSendcore();
  await send.enqueue(ballotItem('key-old'));
  await send.enqueue(ballotItem('key-new', { body: { answers: [3, 2, 1] } }));
  server.answer(createdResponse());

  await send.flush();
  assert.equal(server.requests.length, 1);
  assert.equal(server.requests[0].headers['Idempotency-Key'], 'key-new');
});
